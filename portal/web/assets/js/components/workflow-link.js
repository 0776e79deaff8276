// Links to a workflow in the Temporal Web UI, where operators watch and
// repair the work behind a record.

import { el } from '../dom.js';
import { webAddress } from '../paths.js';

// workflowLink opens address in a new tab, or returns null when the API
// gave no web address (no Web UI is configured, or the value is not http
// or https).
export function workflowLink(address, label = 'Temporal Web UI で開く（新しいタブ）') {
  const href = webAddress(address);
  if (!href) {
    return null;
  }
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, label);
}
