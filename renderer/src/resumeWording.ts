/**
 * Schema findings and resume checks in a reviewer's words, each with what to do about it. The
 * core's codes and messages stay available (small, for support); these are the main text. Both
 * tables are typed by the core's code lists, so a new code does not compile until it is worded.
 */
import type { FindingCode, ResumeCheckId } from '../../app/contract/operations.js';

export interface Worded {
  /** What was found, in plain words. */
  title: string;
  /** What a reviewer (or the pipeline's owners) can do about it. */
  remedy: string;
}

const RERUN = 'Resume is not possible from this record: re-run the pipeline from the start.';
const REPORT = 'Re-run the pipeline from the start, and tell the pipeline’s owners, because ELSPETH itself stops or crashes on this.';

export const FINDING_WORDS: Record<FindingCode, Worded> = {
  NO_SOURCE_SCHEMA: { title: 'The run kept no record of the source’s row format', remedy: `It was recorded before ELSPETH saved row formats. ${RERUN}` },
  INVALID_JSON: { title: 'The recorded row format is damaged and cannot be read', remedy: `Compare the database with a backup copy; it may have been edited. ${RERUN}` },
  NOT_AN_OBJECT: { title: 'Part of the recorded row format has the wrong shape', remedy: REPORT },
  NO_PROPERTIES: { title: 'The recorded row format lists no fields', remedy: REPORT },
  EMPTY_FIXED_SCHEMA: { title: 'The source declares a fixed row format with no fields', remedy: `ELSPETH refuses to resume with it. ${RERUN}` },
  NO_TYPE: { title: 'A field was recorded without a type (it accepts anything)', remedy: `Resume cannot rebuild such a field. Ask the pipeline’s owners to give it a definite type for future runs. ${RERUN}` },
  UNSUPPORTED_ANYOF: { title: 'A field accepts several types, such as a number or text', remedy: `Resume can only rebuild one type (optionally empty). ${RERUN}` },
  NON_LOCAL_REF: { title: 'A field points to a definition outside the recorded format', remedy: REPORT },
  NO_DEFS: { title: 'A field points to shared definitions that were not recorded', remedy: REPORT },
  MISSING_DEF: { title: 'A field points to a definition that is missing', remedy: REPORT },
  CYCLIC_REF: { title: 'A field’s definition refers back to itself', remedy: `ELSPETH would loop until it crashes. ${RERUN}` },
  UNSUPPORTED_TYPE: { title: 'A field has a type resume cannot rebuild', remedy: RERUN },
  INVALID_ADDITIONAL_PROPERTIES: { title: 'A nested record’s “extra fields” setting is malformed', remedy: REPORT },
  TYPE_LIST_CRASH: { title: 'A field lists its type in a form ELSPETH crashes on', remedy: REPORT },
  INVALID_REQUIRED: { title: 'The list of required fields is malformed', remedy: REPORT },
  ALL_FIELDS_DROPPED: { title: 'Every field name starts with “_”, so re-read rows would be empty', remedy: `ELSPETH aborts such a resume. ${RERUN}` },
  TOO_DEEP: { title: 'The row format is nested too deeply to check', remedy: `Resume is likely to fail. ${RERUN}` },
  TOO_COMPLEX: { title: 'The row format is too large to check completely', remedy: 'Treat a resume as unsafe, or re-run the pipeline from the start.' },
  DEFAULT_DROPPED: { title: 'A field’s default value will not be restored', remedy: 'After a resume, re-read rows that lack this field get an empty value instead of the default. Check those rows’ results.' },
  EXTRA_FIELDS_DROPPED: { title: 'Undeclared extra fields will be dropped from re-read rows', remedy: 'If those extra fields matter to the results, re-run from the start instead of resuming.' },
  CONSTRAINT_DROPPED: { title: 'A field’s rule (pattern, range or allowed values) will not be checked', remedy: 'Rows re-read on resume are not validated against this rule: review them after the resume.' },
  UNDERSCORE_FIELD_DROPPED: { title: 'A field whose name starts with “_” will be dropped', remedy: 'Its values are lost for rows re-read on resume. If it matters, re-run from the start.' },
  MISSING_OPTIONAL_BECOMES_NULL: { title: 'A missing optional value comes back as an explicit empty value', remedy: 'Later steps may treat “missing” and “empty” differently: review the affected rows.' },
  REQUIRED_NOT_A_LIST: { title: 'The required fields are written as text, not as a list', remedy: `ELSPETH reads the text letter by letter, so the wrong fields become required. ${RERUN}` },
  FINDINGS_TRUNCATED: { title: 'There are more findings than are listed', remedy: 'Deal with the listed ones first; the details count the rest.' },
};

export const CHECK_WORDS: Record<ResumeCheckId, Worded> = {
  landscape_tables: { title: 'The file is an ELSPETH audit database', remedy: 'Open the audit database ELSPETH wrote; this file lacks its core tables.' },
  elspeth_opens_file: { title: 'ELSPETH can open this file', remedy: 'This ELSPETH version refuses the file. Resume with the ELSPETH version that wrote it.' },
  run_exists: { title: 'The run is in this database', remedy: 'Choose a run listed in this database.' },
  run_not_completed: { title: 'The run did not already finish', remedy: 'A finished run has nothing left to resume. Nothing to do.' },
  run_not_running: { title: 'The run is not still running', remedy: 'Make sure the run’s process has stopped before anyone resumes it.' },
  checkpoint_exists: { title: 'A restart point (checkpoint) was saved', remedy: 'Without a checkpoint there is nothing to resume from: re-run the pipeline from the start.' },
  checkpoint_well_formed: { title: 'The restart point is intact', remedy: `The checkpoint is damaged. ${RERUN}` },
  format_version_present: { title: 'The restart point records its format version', remedy: `It was written before checkpoints were versioned. ${RERUN}` },
  format_version_supported: { title: 'ELSPETH accepts the restart point’s format', remedy: 'Resume with the ELSPETH version that wrote it, or re-run the pipeline from the start.' },
  checkpoint_node_recorded: { title: 'The restart point belongs to a step of this pipeline', remedy: `The recorded pipeline has no such step. ${RERUN}` },
  node_config_hash: { title: 'The step’s settings are unchanged since the restart point', remedy: `Resuming would mix old and new settings. ${RERUN}` },
  topology_hash: { title: 'The pipeline’s shape is unchanged since the restart point', remedy: `Steps or connections changed after the checkpoint. ${RERUN}` },
  schema_contract: { title: 'The run’s data contract is present and intact', remedy: `ELSPETH treats a missing or altered contract as damage and refuses to resume. ${RERUN}` },
  node_contracts: { title: 'Each step’s data contract is intact', remedy: `ELSPETH refuses to resume with an altered contract. ${RERUN}` },
  runtime_manifest: { title: 'The run’s record of ELSPETH’s own checks (0.5)', remedy: 'ELSPETH 0.5 resumes only with a build whose checks match the stored record; this cannot be checked here. Resume with the build that started the run; without a stored record, re-run the pipeline from the start.' },
  checkpoint_state: { title: 'Rows waiting in batches or merges can be restored', remedy: `Rows held at the restart point cannot be restored. ${RERUN}` },
  source_schema: { title: 'The source’s row format can be rebuilt', remedy: 'See the findings below for what stops it, and what to do.' },
  unprocessed_rows: { title: 'Rows still to process can be read again', remedy: 'Some rows have no stored copy. Restore the payload store, or re-run the pipeline from the start.' },
  payloads_available: { title: 'Stored copies of rows are still available', remedy: 'Check that the payload store (outside this database) has not been purged before resuming.' },
  sinks_resumable: { title: 'The outputs can be added to on resume', remedy: 'Check the settings used for the resume: an export written as one JSON array cannot be resumed.' },
};
