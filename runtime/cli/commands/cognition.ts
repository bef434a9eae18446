import type { CommandContext } from '../command.js';

/**
 * `smallcode cognition [--json]`: the loaded behaviour layers (built-in agents/*.marrow, then
 * .smallcode/agents/*.marrow, then the user's config dir) with source, hash and compile time,
 * each effective declaration with its location and settings, and any diagnostics.
 * Exit 0 when every layer loaded, 1 when one failed (the layers below it are in force).
 */
export default async function cognition(ctx: CommandContext): Promise<number> {
  const { loadAgentLayers, describeLayers } = await import('../../cognition/index.js');
  const { diagnosticToJson, formatDiagnostics, hasErrors } = await import('../../../compiler/common/index.js');
  const agent = await loadAgentLayers({ projectRoot: ctx.cwd, env: ctx.env });
  const failed = hasErrors(agent.diagnostics);
  if (ctx.options.json) {
    ctx.stdout.write(`${JSON.stringify({
      ok: !failed,
      layers: agent.layers.map(({ diagnostics, ...layer }) => ({ ...layer, diagnostics: diagnostics.map(diagnosticToJson) })),
      policy: agent.policy,
      models: agent.models,
      envProblems: agent.envProblems,
    }, null, 2)}\n`);
    return failed ? 1 : 0;
  }
  ctx.stdout.write(`${describeLayers(agent)}\n`);
  if (agent.diagnostics.length) ctx.stderr.write(`\n${formatDiagnostics(agent.diagnostics, agent.sources)}\n`);
  for (const problem of agent.envProblems) ctx.stderr.write(`warning: ${problem}\n`);
  return failed ? 1 : 0;
}
