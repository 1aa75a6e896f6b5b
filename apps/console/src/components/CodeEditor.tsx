import { useEffect, useRef } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';

/** Token colours from the page's CSS variables, so the code stays readable (≥ 4.5:1) in light and dark alike. */
const themedHighlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword], color: 'var(--code-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--code-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--code-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.propertyName, tags.definition(tags.variableName), tags.variableName], color: 'var(--code-name)' },
]);

/** The nonce the gateway gave this page load (apps/gateway/src/console): the CSP allows only styles carrying it. */
const cspNonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';

/**
 * CodeMirror 6, controlled from outside only at mount (the editor owns its text while typing;
 * onChange reports it). The content element carries the label, so screen readers announce it.
 * Tab moves focus out (CodeMirror's default keymap does not trap Tab).
 */
export function CodeEditor({
  value,
  onChange,
  language,
  label,
  id,
}: {
  value: string;
  onChange: (text: string) => void;
  language: 'javascript' | 'json';
  label: string;
  id?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const viewRef = useRef<EditorView | null>(null);

  useEffect(() => {
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          EditorView.cspNonce.of(cspNonce),
          basicSetup,
          syntaxHighlighting(themedHighlight),
          // Wrapped lines: no sideways scrolling on a phone, and no scroll region a keyboard user could not reach.
          EditorView.lineWrapping,
          language === 'json' ? json() : javascript(),
          EditorView.contentAttributes.of({ 'aria-label': label, ...(id ? { id } : {}) }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    viewRef.current = view;
    return () => view.destroy();
    // The editor is created once per mounted text source; the parent remounts it (key) to load another.
  }, []);

  return <div className="code-editor" ref={host} />;
}
