/**
 * Follows a job main runs in the background (an export, a verification, a payload audit) by
 * asking for its status every {@link POLL_MS} until it ends. Polling also stops when the
 * component unmounts or follows another job: a status request still in flight then has its
 * answer dropped, so it cannot schedule another round (the three views each had a loop that went
 * on polling after they were left).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Result } from '../../app/contract/operations.js';
import { call, failureOf, type Failure } from './bridge.js';

/** Time between two status requests. */
export const POLL_MS = 150;

/** What every polled status has (ExportStatus, VerifyStatus, PayloadAuditStatus). */
interface JobStatus {
  jobId: string;
  state: string;
}

export interface PolledJobEvents<S> {
  /** The job has ended (its status no longer says running). */
  onEnd?: (s: S) => void;
  /** A status request failed; polling has stopped. */
  onFailure?: (f: Failure) => void;
  /** The component unmounts while the job still runs (a verification is cancelled then). */
  onLeave?: (jobId: string) => void;
}

export interface PolledJob<S> {
  /** The job's latest status; null before one was followed, or after {@link clear}. */
  status: S | null;
  /** Shows `first` (a running job's first status) and polls that job until it ends. */
  follow(first: S): void;
  /** Stops polling and forgets the status shown. */
  clear(): void;
}

interface Followed {
  jobId: string;
  timer: number | null;
  /** False once this job is no longer followed: its late answers are dropped. */
  live: boolean;
}

/** `read` asks main for a job's status (e.g. `(jobId) => bridge().exportStatus({ jobId })`). */
export function usePolledJob<S extends JobStatus>(read: (jobId: string) => Promise<Result<S>>, events: PolledJobEvents<S> = {}): PolledJob<S> {
  const [status, setStatus] = useState<S | null>(null);
  // The latest callbacks, so a poll that began under an earlier render calls the current ones.
  const latest = useRef({ read, events });
  latest.current = { read, events };
  const followed = useRef<Followed | null>(null);

  const stop = useCallback((): Followed | null => {
    const f = followed.current;
    followed.current = null;
    if (f) {
      f.live = false;
      if (f.timer !== null) window.clearTimeout(f.timer);
    }
    return f;
  }, []);

  useEffect(
    () => () => {
      const f = stop();
      if (f) latest.current.events.onLeave?.(f.jobId);
    },
    [stop],
  );

  const follow = useCallback(
    (first: S) => {
      stop();
      setStatus(first);
      if (first.state !== 'running') return;
      const f: Followed = { jobId: first.jobId, timer: null, live: true };
      followed.current = f;
      const next = () => {
        f.timer = window.setTimeout(() => {
          f.timer = null;
          call(latest.current.read(f.jobId)).then(
            (s) => {
              if (!f.live) return;
              setStatus(s);
              if (s.state === 'running') return next();
              stop();
              latest.current.events.onEnd?.(s);
            },
            (e: unknown) => {
              if (!f.live) return;
              stop();
              latest.current.events.onFailure?.(failureOf(e));
            },
          );
        }, POLL_MS);
      };
      next();
    },
    [stop],
  );

  const clear = useCallback(() => {
    stop();
    setStatus(null);
  }, [stop]);

  return { status, follow, clear };
}
