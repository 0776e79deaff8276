// A file field for one PDF (請求書, 支払明細書). The file is read in the
// browser and refused here already when the server would refuse it.

import { el, on, replace } from '../dom.js';
import { fileSize } from '../format.js';
import { maxPDFBytes, pdfProblem, toBase64 } from '../pdf.js';
import { field } from './form.js';

// pdfField returns a field like field() does, plus read(): it resolves to
// null when no file is chosen, to {problem} when the file cannot be sent
// (the problem is shown beside the field), or to {name, size, base64}.
export function pdfField(label, { hint = '', name = 'pdf' } = {}) {
  const input = el('input', { type: 'file', name, accept: 'application/pdf,.pdf' });
  const chosen = el('p', { class: 'file-chosen', 'aria-live': 'polite' });
  const group = el('div', { class: 'file-group' }, input, chosen);
  const f = field(label, input, { hint, group });
  on(input, 'change', () => {
    f.setError('');
    const file = input.files[0];
    replace(chosen, file ? `選択中：${file.name}（${fileSize(file.size)}）` : '');
  });

  async function read() {
    const file = input.files[0];
    if (!file) {
      return null;
    }
    // An empty or too large file is refused before it is read into memory.
    if (file.size === 0 || file.size > maxPDFBytes) {
      const problem = pdfProblem(file.size, []);
      f.setError(problem);
      return { problem };
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const problem = pdfProblem(bytes.length, bytes.subarray(0, 8));
    f.setError(problem);
    if (problem) {
      return { problem };
    }
    return { name: file.name, size: bytes.length, base64: toBase64(bytes) };
  }
  return { ...f, read };
}
