/**
 * Streaming JSONL: a bulk operation's result can be gigabytes, so it is read
 * chunk by chunk and handed over line by line — never loaded whole. At any time
 * memory holds one chunk, one partial line and whatever the consumer keeps (the
 * bulk applier keeps one batch). The consumer is awaited per line, so a slow
 * database slows the download instead of buffering it.
 */

export class JsonlLineError extends Error {
  override name = "JsonlLineError";
}

export interface JsonlProgress {
  bytes: number;
  lines: number;
}

export interface JsonlOptions {
  /** Longest line accepted (bytes of text); a longer one is an error, not a memory blow-up. Default 4 MB. */
  maxLineLength?: number;
  /** Called every `progressEvery` lines and at the end. */
  onProgress?: (progress: JsonlProgress) => Promise<void> | void;
  progressEvery?: number;
}

/** Reads `source` (a fetch body or any byte iterable) and calls `onLine` with each parsed line, in order. */
export async function streamJsonl(
  source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  onLine: (value: unknown, lineNumber: number) => Promise<void> | void,
  options: JsonlOptions = {},
): Promise<JsonlProgress> {
  const maxLine = options.maxLineLength ?? 4 * 1024 * 1024;
  const every = options.progressEvery ?? 1000;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const progress: JsonlProgress = { bytes: 0, lines: 0 };
  let partial = "";

  const emit = async (text: string) => {
    const line = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (line.trim() === "") return;
    progress.lines += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new JsonlLineError(`line ${progress.lines}: not JSON (${error instanceof Error ? error.message : String(error)}): ${line.slice(0, 120)}`);
    }
    await onLine(value, progress.lines);
    if (options.onProgress && progress.lines % every === 0) await options.onProgress({ ...progress });
  };

  const iterable: AsyncIterable<Uint8Array> =
    Symbol.asyncIterator in source ? (source as AsyncIterable<Uint8Array>) : readerIterable(source as ReadableStream<Uint8Array>);
  for await (const chunk of iterable) {
    progress.bytes += chunk.byteLength;
    partial += decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline = partial.indexOf("\n", start);
    while (newline >= 0) {
      await emit(partial.slice(start, newline));
      start = newline + 1;
      newline = partial.indexOf("\n", start);
    }
    partial = partial.slice(start);
    if (partial.length > maxLine) throw new JsonlLineError(`line ${progress.lines + 1} is longer than ${maxLine} characters`);
  }
  partial += decoder.decode();
  if (partial.length > 0) await emit(partial);
  await options.onProgress?.({ ...progress });
  return progress;
}

async function* readerIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
