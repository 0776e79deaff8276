// CSV files built in the browser, shaped for Excel: a UTF-8 byte order mark
// (without it Excel reads Japanese text as garbage), CRLF line ends, and
// every text field quoted.

const byteOrderMark = '\uFEFF';

// toCSV turns rows (lists of strings and numbers) into CSV text.
export function toCSV(rows) {
  const lines = rows.map((row) => row.map(csvField).join(','));
  return `${byteOrderMark}${lines.join('\r\n')}\r\n`;
}

// csvField writes one value. Numbers stay bare so that spreadsheets add
// them up. Text that a spreadsheet would run as a formula (starting with
// = + - @ or a control character) gets a leading apostrophe.
function csvField(value) {
  if (typeof value === 'number') {
    return String(value);
  }
  let text = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return `"${text.replaceAll('"', '""')}"`;
}

// downloadText offers text to the user as a file named filename.
export function downloadText(filename, text, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
