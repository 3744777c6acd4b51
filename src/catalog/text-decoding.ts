/**
 * Decodes a catalog file line by line as UTF-8. A line that is not valid UTF-8 (a spreadsheet
 * saved as Windows-1252/Latin-1, or one pasted row) is decoded as Windows-1252 instead, which
 * maps every byte, and its line number is remembered so the row can be reported, rather than
 * silently turning "é" into "\uFFFD". Streams: only the current line is held.
 */
import { Transform, type TransformCallback } from 'node:stream';

const NEWLINE = 0x0a;

export class CatalogTextDecoder extends Transform {
  /** 1-based numbers of the lines that were not UTF-8. */
  readonly nonUtf8Lines = new Set<number>();
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly cp1252 = new TextDecoder('windows-1252');
  private pending: Buffer[] = [];
  private line = 0;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
  }

  private decodeLine(bytes: Uint8Array): string {
    this.line++;
    try {
      return this.utf8.decode(bytes);
    } catch {
      this.nonUtf8Lines.add(this.line);
      return this.cp1252.decode(bytes);
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    let out = '';
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, i + 1);
      const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      out += this.decodeLine(line);
      start = i + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
    done(null, out);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.pending.length ? this.decodeLine(Buffer.concat(this.pending)) : '');
  }

  /** Whether any line in [first, last] was not UTF-8. */
  anyNonUtf8(first: number, last: number): boolean {
    if (this.nonUtf8Lines.size === 0) return false;
    for (let l = first; l <= last; l++) if (this.nonUtf8Lines.has(l)) return true;
    return false;
  }
}

export const NON_UTF8_WARNING = 'text is not valid UTF-8; read as Windows-1252 (re-save the file as UTF-8 to be sure of accents)';
