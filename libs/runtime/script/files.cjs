'use strict';
// Where save*() and download() put files: inside a root folder (the agent's storage folder, or the
// run's own folder), never outside it.
const fs = require('node:fs/promises');
const path = require('node:path');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');

/**
 * The relative path a file is saved under. `saveAs` ending in '/' keeps `defaultName` in that
 * folder; no `saveAs` means `defaultName`. Leading slashes are ignored and '..' may not climb out.
 */
function storagePath(saveAs, defaultName) {
  const wanted = saveAs === undefined || saveAs === null || saveAs === '' ? defaultName : String(saveAs);
  const withName = wanted.endsWith('/') ? wanted + defaultName : wanted;
  const relative = path.posix.normalize(withName.replace(/\\/g, '/').replace(/^\/+/, ''));
  if (!relative || relative === '.' || relative.endsWith('/')) throw invalid(`no file name in "${wanted}"`);
  if (relative === '..' || relative.startsWith('../')) throw invalid(`"${wanted}" leaves the storage folder`);
  return relative;
}

function invalid(message) {
  return Object.assign(new Error(message), { code: 'INVALID_PATH' });
}

/** The file name a URL or path points at, for when the caller gave no name. */
function nameOf(urlOrPath, fallback) {
  let pathname = String(urlOrPath);
  try {
    pathname = new URL(pathname).pathname;
  } catch {
    // not a URL: a local path
  }
  const name = path.posix.basename(decodeURIComponent(pathname.replace(/\\/g, '/')));
  return name && name !== '/' && name !== '.' ? name : fallback;
}

function isUrl(value) {
  return /^https?:\/\//i.test(String(value));
}

async function destination(root, relative) {
  const target = path.join(root, relative);
  await fs.mkdir(path.dirname(target), { recursive: true });
  return target;
}

async function writeFile(root, relative, data) {
  await fs.writeFile(await destination(root, relative), data);
}

/** Fetches a remote file into `root/relative`; a non-2xx answer is an error. */
async function fetchInto(root, relative, url, headers) {
  const response = await fetch(url, { headers: headers || undefined, redirect: 'follow' });
  if (!response.ok) {
    throw Object.assign(new Error(`GET ${url} answered ${response.status}`), { code: 'DOWNLOAD_FAILED' });
  }
  const target = await destination(root, relative);
  if (!response.body) return fs.writeFile(target, Buffer.alloc(0));
  await pipeline(Readable.fromWeb(response.body), require('node:fs').createWriteStream(target));
}

async function copyInto(root, relative, source) {
  await fs.cp(source, await destination(root, relative), { recursive: true, force: true });
}

/** `data:<mime>;base64,<data>` or bare Base64. */
function decodeBase64(value) {
  const text = String(value);
  const comma = text.startsWith('data:') ? text.indexOf(',') : -1;
  return Buffer.from(comma >= 0 ? text.slice(comma + 1) : text, 'base64');
}

module.exports = { storagePath, nameOf, isUrl, writeFile, fetchInto, copyInto, decodeBase64 };
