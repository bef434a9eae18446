/**
 * The languages the graph understands: file extensions, the prebuilt grammar (tree-sitter-wasms)
 * and one tags-style query per language. Captures: `@def.<kind>` (the definition's node) with
 * `@name`, `@call` with `@name` (a call or construction site), `@import` (a whole import
 * statement, read by imports.ts). Other files are skipped, not guessed.
 */
export type LanguageId = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java' | 'c' | 'cpp';

export const SYMBOL_KINDS = ['function', 'method', 'class', 'interface', 'type', 'enum', 'constant', 'variable', 'module'] as const;
export type SymbolKind = (typeof SYMBOL_KINDS)[number];

export interface LanguageSpec {
  id: LanguageId;
  /** The grammar file in tree-sitter-wasms/out/. */
  wasm: string;
  extensions: string[];
  query: string;
}

const JS_CALLS = `
(call_expression function: (identifier) @name) @call
(call_expression function: (member_expression property: (property_identifier) @name)) @call
(new_expression constructor: (identifier) @name) @call
(new_expression constructor: (member_expression property: (property_identifier) @name)) @call
(import_statement) @import
`;

const JS_DEFS = `
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(class_declaration name: (_) @name) @def.class
(method_definition name: (_) @name) @def.method
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function
(program (lexical_declaration (variable_declarator name: (identifier) @name) @def.constant))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @def.constant)))
`;

const TS_DEFS = `
${JS_DEFS}
(abstract_class_declaration name: (type_identifier) @name) @def.class
(interface_declaration name: (type_identifier) @name) @def.interface
(type_alias_declaration name: (type_identifier) @name) @def.type
(enum_declaration name: (identifier) @name) @def.enum
(internal_module name: (identifier) @name) @def.module
(function_signature name: (identifier) @name) @def.function
(abstract_method_signature name: (_) @name) @def.method
(public_field_definition name: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def.method
`;

const PYTHON = `
(function_definition name: (identifier) @name) @def.function
(class_definition name: (identifier) @name) @def.class
(module (expression_statement (assignment left: (identifier) @name)) @def.constant)
(call function: (identifier) @name) @call
(call function: (attribute attribute: (identifier) @name)) @call
(import_statement) @import
(import_from_statement) @import
`;

const GO = `
(function_declaration name: (identifier) @name) @def.function
(method_declaration name: (field_identifier) @name) @def.method
(type_spec name: (type_identifier) @name type: (struct_type)) @def.class
(type_spec name: (type_identifier) @name type: (interface_type)) @def.interface
(type_spec name: (type_identifier) @name type: [(type_identifier) (qualified_type) (function_type) (map_type) (slice_type) (pointer_type) (channel_type) (array_type) (generic_type)]) @def.type
(source_file (const_declaration (const_spec name: (identifier) @name) @def.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @def.variable))
(call_expression function: (identifier) @name) @call
(call_expression function: (selector_expression field: (field_identifier) @name)) @call
(import_spec) @import
`;

const RUST = `
(function_item name: (identifier) @name) @def.function
(function_signature_item name: (identifier) @name) @def.function
(struct_item name: (type_identifier) @name) @def.class
(union_item name: (type_identifier) @name) @def.class
(enum_item name: (type_identifier) @name) @def.enum
(trait_item name: (type_identifier) @name) @def.interface
(type_item name: (type_identifier) @name) @def.type
(const_item name: (identifier) @name) @def.constant
(static_item name: (identifier) @name) @def.constant
(mod_item name: (identifier) @name) @def.module
(macro_definition name: (identifier) @name) @def.function
(call_expression function: (identifier) @name) @call
(call_expression function: (field_expression field: (field_identifier) @name)) @call
(call_expression function: (scoped_identifier name: (identifier) @name)) @call
(call_expression function: (generic_function function: [(identifier) @name (scoped_identifier name: (identifier) @name) (field_expression field: (field_identifier) @name)])) @call
(macro_invocation macro: (identifier) @name) @call
(struct_expression name: [(type_identifier) @name (scoped_type_identifier name: (type_identifier) @name)]) @call
(use_declaration) @import
`;

const JAVA = `
(class_declaration name: (identifier) @name) @def.class
(interface_declaration name: (identifier) @name) @def.interface
(enum_declaration name: (identifier) @name) @def.enum
(annotation_type_declaration name: (identifier) @name) @def.interface
(method_declaration name: (identifier) @name) @def.method
(constructor_declaration name: (identifier) @name) @def.method
(field_declaration (modifiers "static" "final") declarator: (variable_declarator name: (identifier) @name)) @def.constant
(method_invocation name: (identifier) @name) @call
(object_creation_expression type: [(type_identifier) @name (generic_type (type_identifier) @name) (scoped_type_identifier (type_identifier) @name .)]) @call
(import_declaration) @import
`;

const C_COMMON = `
(function_definition declarator: (function_declarator declarator: (identifier) @name)) @def.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @def.function
(struct_specifier name: (type_identifier) @name body: (_)) @def.class
(union_specifier name: (type_identifier) @name body: (_)) @def.class
(enum_specifier name: (type_identifier) @name body: (_)) @def.enum
(type_definition declarator: (type_identifier) @name) @def.type
(preproc_def name: (identifier) @name) @def.constant
(preproc_function_def name: (identifier) @name) @def.function
(call_expression function: (identifier) @name) @call
(call_expression function: (field_expression field: (field_identifier) @name)) @call
(preproc_include) @import
`;

const CPP = `
${C_COMMON}
(function_definition declarator: (function_declarator declarator: (field_identifier) @name)) @def.method
(function_definition declarator: (function_declarator declarator: (qualified_identifier) @name)) @def.method
(function_definition declarator: (reference_declarator (function_declarator declarator: [(identifier) (field_identifier) (qualified_identifier)] @name))) @def.function
(class_specifier name: (type_identifier) @name body: (_)) @def.class
(namespace_definition name: (namespace_identifier) @name) @def.module
(call_expression function: (qualified_identifier) @name) @call
(call_expression function: (template_function name: (identifier) @name)) @call
(new_expression type: (type_identifier) @name) @call
`;

export const LANGUAGES: LanguageSpec[] = [
  { id: 'typescript', wasm: 'tree-sitter-typescript.wasm', extensions: ['.ts', '.mts', '.cts'], query: TS_DEFS + JS_CALLS },
  { id: 'tsx', wasm: 'tree-sitter-tsx.wasm', extensions: ['.tsx'], query: TS_DEFS + JS_CALLS },
  { id: 'javascript', wasm: 'tree-sitter-javascript.wasm', extensions: ['.js', '.jsx', '.mjs', '.cjs'], query: JS_DEFS + JS_CALLS },
  { id: 'python', wasm: 'tree-sitter-python.wasm', extensions: ['.py', '.pyi'], query: PYTHON },
  { id: 'go', wasm: 'tree-sitter-go.wasm', extensions: ['.go'], query: GO },
  { id: 'rust', wasm: 'tree-sitter-rust.wasm', extensions: ['.rs'], query: RUST },
  { id: 'java', wasm: 'tree-sitter-java.wasm', extensions: ['.java'], query: JAVA },
  { id: 'c', wasm: 'tree-sitter-c.wasm', extensions: ['.c', '.h'], query: C_COMMON },
  { id: 'cpp', wasm: 'tree-sitter-cpp.wasm', extensions: ['.cc', '.cpp', '.cxx', '.hpp', '.hh', '.hxx'], query: CPP },
];

const BY_EXTENSION = new Map(LANGUAGES.flatMap((l) => l.extensions.map((e) => [e, l] as const)));

/** The language of a path by its extension; undefined for everything the graph skips. */
export function languageOf(path: string): LanguageSpec | undefined {
  const dot = path.lastIndexOf('.');
  if (dot < 0) return undefined;
  return BY_EXTENSION.get(path.slice(dot).toLowerCase());
}
