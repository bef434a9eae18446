import { z } from 'zod';
import { defineTool } from './tool.js';

const args = z.object({
  path: z.string().min(1).describe('file path'),
  content: z.string().describe('the whole new file content'),
});

export const writeFileTool = defineTool<z.infer<typeof args>>({
  name: 'write_file',
  description: () => 'Create or overwrite a file. To change part of a file use patch.',
  args,
  readOnly: false,
  aliases: { file_path: 'path', filepath: 'path', file: 'path', filename: 'path', contents: 'content', text: 'content', code: 'content' },
  writeTarget: (a) => a.path,
  capHint: '',
  async execute(a, ctx) {
    const { target, created } = await ctx.workspace.writeText(a.path, a.content);
    const lines = a.content === '' ? 0 : a.content.split('\n').length - (a.content.endsWith('\n') ? 1 : 0);
    return created
      ? { ok: true, output: `Created ${target.rel} (${lines} lines).`, filesCreated: [target.rel], changedDisk: true }
      : { ok: true, output: `Wrote ${target.rel} (${lines} lines).`, filesEdited: [target.rel], changedDisk: true };
  },
});
