import { storedFile } from '../../api/agentry';
import { download } from '../../components/csv';

/**
 * Files the run stored with save() / saveText(): their URLs are printed on the console. The API has
 * no listing of them, so they are read off the output. Downloaded with the key in a header (a link
 * would need the key in the URL); the gateway serves them sandboxed, and here they only become a
 * download, never a page of the console's origin.
 */
export function StoredFiles({ output }: { output: string }) {
  const paths = [...new Set([...output.matchAll(/\/api\/v1\/agent\/\d+\/storage\/[^\s"'<>]+/g)].map((m) => m[0]))];
  if (!paths.length) return null;
  return (
    <>
      <h3>Stored files</h3>
      <ul>
        {paths.map((path) => (
          <li key={path}>
            <button
              type="button"
              className="link"
              onClick={() => void storedFile(path).then((blob) => download(decodeURIComponent(path.split('/').pop() ?? 'file'), blob))}
            >
              {decodeURIComponent(path.split('/storage/')[1] ?? path)}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
