import JSZip from 'jszip';
import type { ApiClient } from './stack.js';

export interface DocxContent {
  /** Text of each body paragraph outside tables, in order. */
  readonly paragraphs: string[];
  /** Each table as rows of cell texts (header row first). */
  readonly tables: string[][][];
}

const XML_ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" };
const textOf = (xml: string) =>
  [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]!.replace(/&(lt|gt|amp|quot|apos);/g, (e) => XML_ENTITIES[e]!)).join('');

/** Reads `word/document.xml` of a DOCX: its paragraphs and its tables' cells as text. */
export async function readDocx(content: ArrayBuffer | Buffer): Promise<DocxContent> {
  const zip = await JSZip.loadAsync(content);
  const xml = await zip.file('word/document.xml')!.async('string');
  const body = xml.slice(xml.indexOf('<w:body>'));
  const tables: string[][][] = [];
  const outside = body.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, (tbl) => {
    tables.push([...tbl.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((tr) => [...tr[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((tc) => textOf(tc[0]))));
    return '';
  });
  const paragraphs = [...outside.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => textOf(p[0])).filter((text) => text !== '');
  return { paragraphs, tables };
}

/** Downloads a DOCX as `as`: its status, content type and (on 200) its content. */
export async function downloadDocx(as: ApiClient, baseUrl: string, path: string): Promise<{ status: number; type: string | null; doc: DocxContent | null }> {
  const response = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${(as as unknown as { token: string }).token}` } });
  if (response.status !== 200) return { status: response.status, type: response.headers.get('content-type'), doc: null };
  return { status: response.status, type: response.headers.get('content-type'), doc: await readDocx(await response.arrayBuffer()) };
}
