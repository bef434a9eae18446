/** Public types of the tool-call parser, plus the small internal contract every dialect module implements. */

/** An OpenAI-style tool definition, exactly as sent to the model. */
export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** JSON Schema object describing the arguments. */
    parameters?: Record<string, unknown>;
  };
}

export interface ParsedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  id?: string;
}

export interface ToolCallError {
  kind: 'unknown_tool' | 'missing_argument' | 'invalid_arguments' | 'malformed';
  tool?: string;
  /** Written to the model: what was wrong and the closest valid choices. */
  message: string;
}

export interface ParseResult {
  calls: ParsedToolCall[];
  /** The reply's visible text with every tool call and thinking block removed. */
  content: string;
  /** Text of thinking blocks that were removed from `content`. */
  reasoning?: string;
  errors: ToolCallError[];
  /** Which dialect(s) the calls were written in, e.g. "hermes" or "qwen3-xml+json". */
  dialect?: string;
}

/**
 * A call as a dialect read it, before it is checked against the tool schemas.
 * `arguments` is an object, a (possibly broken) JSON string, or undefined when the dialect had none.
 */
export interface RawCall {
  name: string;
  arguments: unknown;
  /** Argument values are raw text from a markup dialect (XML, GLM, Gemma…): infer or coerce their types. */
  textValues?: boolean;
  id?: string;
  /** Set when the dialect recognised a call but could not read it; becomes a `malformed` error. */
  malformed?: string;
}

/** One region of the reply that a dialect claimed: it is removed from content. */
export interface DialectMatch {
  start: number;
  end: number;
  dialect: string;
  calls: RawCall[];
  /** The reply ended inside this region's last call (its calls carry a cut-off `malformed`). */
  cut?: boolean;
}

export interface DetectContext {
  /** Names of the tools offered to the model; empty means "accept any tool name". */
  toolNames: ReadonlySet<string>;
  tools: readonly ToolDefinition[];
}

export interface Dialect {
  name: string;
  /**
   * `marked` dialects have unmistakable markers (special tokens, wrapper tags) and are also searched
   * inside thinking blocks; `bare` ones (plain JSON, pythonic, a command line) only in visible text.
   */
  strength: 'marked' | 'bare';
  detect(text: string, ctx: DetectContext): DialectMatch[];
}
