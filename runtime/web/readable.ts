/**
 * A fetched page as text for the model: HTML through Readability (main content) and Turndown
 * (markdown); plain text and JSON as they are. The libraries load on first use.
 */
export interface ReadablePage {
  title?: string;
  text: string;
}

export async function htmlToMarkdown(html: string): Promise<ReadablePage> {
  const [{ parseHTML }, { Readability }, { default: TurndownService }] = await Promise.all([
    import('linkedom'),
    import('@mozilla/readability'),
    import('turndown'),
  ]);
  const { document } = parseHTML(html);
  const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced' });
  turndown.remove(['script', 'style', 'noscript']);
  // Readability changes the document it reads; give it its own copy.
  const article = new Readability(parseHTML(html).document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 100 }).parse();
  const title = article?.title || document.querySelector('title')?.textContent?.trim() || undefined;
  const content = article?.content ?? document.body?.innerHTML ?? html;
  const markdown = turndown.turndown(content).trim();
  return { ...(title ? { title } : {}), text: markdown };
}

/** The body as the model reads it, by content type; undefined for a type that is not text. */
export async function readableBody(body: Buffer, contentType: string): Promise<ReadablePage | undefined> {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const text = body.toString('utf8');
  if (type === 'text/html' || type === 'application/xhtml+xml' || (!type && /^\s*<(!doctype html|html)/i.test(text))) return htmlToMarkdown(text);
  if (type.startsWith('text/') || type === 'application/json' || type.endsWith('+json') || type.endsWith('+xml') || type === 'application/xml') return { text };
  return undefined;
}
