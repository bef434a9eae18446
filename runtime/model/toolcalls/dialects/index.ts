/**
 * Every dialect, in priority order. When two dialects claim overlapping text, the match that
 * starts first wins; at the same start, the one listed first here. Marked dialects (special
 * tokens, wrapper tags) come before bare ones (plain JSON, pythonic, YAML, a command line).
 */
import type { Dialect } from '../types.js';
import { strippedArgPairs } from './arg-pairs.js';
import { bareJson } from './bare-json.js';
import { continueTools } from './continue.js';
import { kimiK3 } from './kimi-k3.js';
import { commandLine } from './command-line.js';
import { gemma, gemmaStripped } from './gemma.js';
import { pythonicList, pythonicReply } from './pythonic.js';
import { react } from './react.js';
import { deepseekKimi, functionary, functionaryStart, mistral, mistralStripped, solarOpen } from './special-tokens.js';
import { wrappedCalls } from './wrapped.js';
import { xmlFunctions, xmlToolTags } from './xml.js';
import { yamlCalls } from './yaml.js';

export const DIALECTS: readonly Dialect[] = [
  deepseekKimi,
  kimiK3,
  solarOpen,
  mistral,
  mistralStripped,
  gemma,
  gemmaStripped,
  functionary,
  wrappedCalls,
  xmlFunctions,
  xmlToolTags,
  strippedArgPairs,
  continueTools,
  react,
  bareJson,
  yamlCalls,
  pythonicList,
  pythonicReply,
  functionaryStart,
  commandLine,
];

export { splitHarmony } from './harmony.js';
