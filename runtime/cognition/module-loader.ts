import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import { defineLayer, type LayerDefinition } from './layer.js';

/** The one import compiled layers may have; mapped here to the in-process runtime. */
export const COGNITION_MODULE_ID = 'smallcode/cognition';

/** What `import … from "smallcode/cognition"` yields at run time (types are erased). */
const COGNITION_EXPORTS = Object.freeze({ defineLayer });

/**
 * Evaluates a compiled layer (TypeScript transpiled to CommonJS) with a private `require` that
 * maps `smallcode/cognition` to this process's runtime and refuses everything else, so a layer
 * never depends on where the package is installed (dist bundle or source checkout).
 */
export function evaluateLayerModule(commonJs: string, filename: string): LayerDefinition {
  const module = { exports: {} as Record<string, unknown> };
  const requireLayerImport = (id: string): unknown => {
    if (id === COGNITION_MODULE_ID) return COGNITION_EXPORTS;
    throw new Error(`${filename}: compiled layers may import only '${COGNITION_MODULE_ID}', not '${id}'`);
  };
  const fn = compileFunction(commonJs, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
  fn(module.exports, requireLayerImport, module, filename, dirname(filename));
  const layer = module.exports.layer as LayerDefinition | undefined;
  if (!layer || typeof layer.policy !== 'function') throw new Error(`${filename}: not a compiled MarrowScript layer (no 'layer' export)`);
  return layer;
}
