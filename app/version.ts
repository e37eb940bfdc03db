/** The tool's name and version, as written into receipts and shown in About. */
export const TOOL_NAME = 'landscape-desk';
export const TOOL_VERSION = '0.1.0';
