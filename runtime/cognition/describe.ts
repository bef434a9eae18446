import { formatDiagnosticLine } from '../../compiler/common/index.js';
import type { DeclarationCounters } from './counters.js';
import type { AgentLayers } from './loader.js';

const SHOWN: Array<[keyof DeclarationCounters, string]> = [
  ['calls', 'calls'], ['cacheHits', 'cache hits'], ['retries', 'retries'], ['invalidOutputs', 'invalid'], ['repairs', 'repairs'],
  ['fallbacks', 'fallbacks'], ['escalations', 'escalations'], ['guardTrips', 'trips'], ['tokens', 'tokens'],
];

/**
 * The text of `/cognition` and `smallcode cognition`: loaded layers (source, hash, compiled when),
 * then each effective declaration with where it comes from, its settings and live counters.
 */
export function describeLayers(agent: Pick<AgentLayers, 'layers' | 'diagnostics'>, counters: Record<string, DeclarationCounters> = {}): string {
  const out: string[] = ['Layers (later override earlier):'];
  for (const layer of agent.layers) {
    const when = layer.compiledAt ? `, compiled ${layer.compiledAt}${layer.from ? ` (${layer.from})` : ''}` : '';
    out.push(`  ${layer.status === 'loaded' ? '✓' : '✗'} ${layer.origin.padEnd(7)} ${layer.file}  ${layer.hash}${when}`);
    for (const d of layer.diagnostics) out.push(`      ${formatDiagnosticLine(d)}`);
  }
  // The effective declaration of each kind+name is the one from the last layer declaring it.
  const effective = new Map<string, { decl: AgentLayers['layers'][number]['declarations'][number]; origin: string }>();
  for (const layer of agent.layers) {
    if (layer.status !== 'loaded') continue;
    for (const decl of layer.declarations) effective.set(decl.name === decl.kind ? decl.kind : `${decl.kind} ${decl.name}`, { decl, origin: layer.origin });
  }
  out.push('', 'Declarations:');
  for (const [key, { decl, origin }] of effective) {
    const c = counters[key];
    const live = c ? SHOWN.filter(([k]) => c[k] > 0).map(([k, label]) => `${label} ${c[k]}`).join(', ') : '';
    out.push(`  ${key}  (${decl.loc}${origin === 'builtin' ? '' : `, ${origin}`})${live ? `  [${live}]` : ''}`);
    if (decl.signature) out.push(`      ${decl.signature}`);
    for (const [field, value] of Object.entries(decl.settings)) out.push(`      ${field}: ${value}`);
  }
  return out.join('\n');
}
