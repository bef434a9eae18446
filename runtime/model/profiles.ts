/**
 * What we know of common local model families when the server does not tell: the context
 * window they are usually run with. Matched against the model id, first match wins.
 */
export interface ModelProfile {
  family: string;
  contextWindow: number;
}

const PROFILES: Array<[RegExp, ModelProfile]> = [
  [/qwen3-coder/i, { family: 'qwen3-coder', contextWindow: 262_144 }],
  [/qwen3/i, { family: 'qwen3', contextWindow: 40_960 }],
  [/qwen2\.5-coder|qwen2\.5/i, { family: 'qwen2.5', contextWindow: 32_768 }],
  [/devstral/i, { family: 'devstral', contextWindow: 131_072 }],
  [/deepseek-coder-v2/i, { family: 'deepseek-coder-v2', contextWindow: 163_840 }],
  [/deepseek-r1|deepseek-v3/i, { family: 'deepseek', contextWindow: 131_072 }],
  [/llama-?3\.[123]|llama3\.[123]/i, { family: 'llama3', contextWindow: 131_072 }],
  [/codellama/i, { family: 'codellama', contextWindow: 16_384 }],
  [/mistral-nemo|mistral-small|codestral/i, { family: 'mistral', contextWindow: 131_072 }],
  [/mistral/i, { family: 'mistral', contextWindow: 32_768 }],
  [/gemma-?3/i, { family: 'gemma3', contextWindow: 131_072 }],
  [/gemma/i, { family: 'gemma', contextWindow: 8_192 }],
  [/phi-?4/i, { family: 'phi4', contextWindow: 16_384 }],
  [/granite/i, { family: 'granite', contextWindow: 131_072 }],
  [/gpt-oss/i, { family: 'gpt-oss', contextWindow: 131_072 }],
  [/glm-?4/i, { family: 'glm4', contextWindow: 131_072 }],
];

export function modelProfile(modelId: string): ModelProfile | undefined {
  for (const [pattern, profile] of PROFILES) if (pattern.test(modelId)) return profile;
  return undefined;
}
