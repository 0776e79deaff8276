// PDF files chosen in the browser: checked before they are sent (the
// server checks again, by content) and encoded as base64 for the JSON body,
// as the basic design asks. Pure functions: no DOM.

// maxPDFBytes is the API's limit on one PDF: 6 MiB.
export const maxPDFBytes = 6 * 1024 * 1024;

// Every PDF starts with these bytes: "%PDF-".
const pdfSignature = [0x25, 0x50, 0x44, 0x46, 0x2d];

// pdfProblem says in Japanese why a file of size bytes, starting with head
// (its first bytes, or all of them), cannot be sent as a PDF; "" if it can.
export function pdfProblem(size, head) {
  if (size === 0) {
    return 'ファイルが空です。PDFファイルを選んでください。';
  }
  if (size > maxPDFBytes) {
    return `PDFファイルは6MB（${maxPDFBytes.toLocaleString('ja-JP')}バイト）以下にしてください`
      + `（選んだファイルは${size.toLocaleString('ja-JP')}バイトです）。`;
  }
  if (!pdfSignature.every((byte, i) => head[i] === byte)) {
    return 'PDFファイルを選んでください（このファイルはPDFではありません）。';
  }
  return '';
}

// toBase64 encodes bytes as standard base64, without a "data:" prefix.
export function toBase64(bytes) {
  // Turning the bytes into a string a slice at a time keeps each call's
  // argument list well within what browsers accept.
  const slice = 0x8000;
  const parts = [];
  for (let i = 0; i < bytes.length; i += slice) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + slice)));
  }
  return btoa(parts.join(''));
}
