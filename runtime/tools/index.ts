/** The tools, their registry and the workspace: what the agent loop imports. */
export { configWriteCannotAsk, createToolRegistry, DEFAULT_TOOLS } from './registry.js';
export type { ApprovalRequest, ToolCallRequest, ToolOutcome, ToolRegistry, ToolRegistryOptions } from './registry.js';
export { defineTool, flag, fromPlainTool, lineNumber, TOOL_CATEGORIES } from './tool.js';
export type { ContextState, PlainTool, Tool, ToolCategory, ToolContext, ToolDefinition, ToolResult } from './tool.js';
export { capOutput } from './cap.js';
export { stepDoneTool, type StepTracker } from './step_done.js';
export { listSnapshots, restoreTurn } from './snapshots.js';
export type { SnapshotEntry, SnapshotInfo } from './snapshots.js';
export { Workspace, WorkspaceError, STATE_DIR } from './workspace.js';
