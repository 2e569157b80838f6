// Test helper: checks that a text is well-formed XML (one root; tags nest and close; attributes
// quoted and not repeated; no raw "<" or stray "&" in text or attribute values; known entities or
// character references only) and returns its elements, so a test can look into an SVG chart
// without a browser. Not a validating parser: no DTDs, no namespaces beyond reading xmlns.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** Text directly inside, entities decoded. */
  text: string;
  children: XmlElement[];
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/g;

function decode(s: string, where: string): string {
  if (s.includes('<')) throw new Error(`xml: raw "<" in ${where}`);
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/.test(s)) throw new Error(`xml: stray "&" in ${where}: ${s.slice(0, 40)}`);
  return s.replace(ENTITY, (e) => {
    if (e.startsWith('&#x')) return String.fromCodePoint(parseInt(e.slice(3, -1), 16));
    if (e.startsWith('&#')) return String.fromCodePoint(parseInt(e.slice(2, -1), 10));
    return ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" } as Record<string, string>)[e]!;
  });
}

/** Parses `text`; throws with the reason when it is not well-formed. */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const skipMisc = () => {
    for (;;) {
      const ws = /^\s*/.exec(text.slice(i))![0].length;
      i += ws;
      if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) throw new Error('xml: unterminated <?...?>');
        i = end + 2;
      } else if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i);
        if (end < 0) throw new Error('xml: unterminated comment');
        i = end + 3;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (text[i] !== '<') throw new Error(`xml: expected "<" at ${i}`);
    i++;
    const name = NAME.exec(text.slice(i))?.[0];
    if (!name) throw new Error(`xml: bad tag name at ${i}`);
    i += name.length;
    const el: XmlElement = { name, attrs: {}, text: '', children: [] };
    for (;;) {
      const ws = /^\s*/.exec(text.slice(i))![0].length;
      i += ws;
      if (text.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      if (ws === 0) throw new Error(`xml: expected whitespace before an attribute of <${name}> at ${i}`);
      const attr = NAME.exec(text.slice(i))?.[0];
      if (!attr) throw new Error(`xml: bad attribute in <${name}> at ${i}`);
      i += attr.length;
      const m = /^\s*=\s*(["'])/.exec(text.slice(i));
      if (!m) throw new Error(`xml: attribute ${attr} of <${name}> is not quoted`);
      i += m[0].length;
      const end = text.indexOf(m[1]!, i);
      if (end < 0) throw new Error(`xml: unterminated attribute ${attr}`);
      if (attr in el.attrs) throw new Error(`xml: attribute ${attr} twice in <${name}>`);
      el.attrs[attr] = decode(text.slice(i, end), `attribute ${attr} of <${name}>`);
      i = end + 1;
    }
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) throw new Error(`xml: <${name}> is not closed`);
      el.text += decode(text.slice(i, lt), `the text of <${name}>`);
      i = lt;
      if (text.startsWith('</', i)) {
        const close = /^<\/([^\s>]+)\s*>/.exec(text.slice(i));
        if (!close || close[1] !== name) throw new Error(`xml: <${name}> closed by ${close?.[0] ?? 'garbage'}`);
        i += close[0].length;
        return el;
      }
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i);
        if (end < 0) throw new Error('xml: unterminated comment');
        i = end + 3;
        continue;
      }
      el.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== text.length) throw new Error(`xml: content after the root element at ${i}`);
  return root;
}

/** Every element of the tree, depth first. */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}
