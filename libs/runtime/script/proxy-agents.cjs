'use strict';
// The agent's proxy for the script's own HTTP traffic: Node's http and https default agents send
// through it, so http.get/https.get and the modules built on them (node-fetch, needle, axios…)
// use it without the script doing anything — as the browser builds do for Chromium. Node's
// global fetch() (undici) ignores these agents and the HTTP(S)_PROXY variables: see README.
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const tls = require('node:tls');

/** `Proxy-Authorization` for the proxy's URL credentials, or null. */
function proxyAuthorization(proxy) {
  if (!proxy.username) return null;
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function isLocal(host) {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';
}

/** Plain HTTP through an HTTP proxy: the request goes to the proxy, its target as an absolute URL. */
class HttpProxyAgent extends http.Agent {
  constructor(proxy) {
    super({ keepAlive: false });
    this.proxy = proxy;
    this.authorization = proxyAuthorization(proxy);
  }

  addRequest(req, options) {
    const host = options.hostname || options.host || 'localhost';
    if (!isLocal(host)) {
      const port = options.port && Number(options.port) !== 80 ? `:${options.port}` : '';
      req.path = `http://${host.includes(':') ? `[${host}]` : host}${port}${req.path}`;
      if (this.authorization && !req.getHeader('proxy-authorization')) req.setHeader('Proxy-Authorization', this.authorization);
      options = { ...options, host: this.proxy.hostname, hostname: this.proxy.hostname, port: Number(this.proxy.port || 80) };
    }
    return super.addRequest(req, options);
  }
}

/** HTTPS through an HTTP proxy: a CONNECT tunnel, then TLS to the target inside it. */
class HttpsProxyAgent extends https.Agent {
  constructor(proxy) {
    super({ keepAlive: false });
    this.proxy = proxy;
    this.authorization = proxyAuthorization(proxy);
  }

  createConnection(options, callback) {
    const host = options.hostname || options.host;
    if (isLocal(host)) return super.createConnection(options, callback);
    const socket = net.connect({ host: this.proxy.hostname, port: Number(this.proxy.port || 80) });
    const target = `${host.includes(':') ? `[${host}]` : host}:${options.port || 443}`;
    const auth = this.authorization ? `Proxy-Authorization: ${this.authorization}\r\n` : '';
    // The callback is answered once: the tunnel, or the first failure (refusal, error, early close).
    let answered = false;
    const once = (error, value) => {
      if (answered) return;
      answered = true;
      callback(error, value);
    };
    socket.once('connect', () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`));
    let answer = Buffer.alloc(0);
    const onData = (chunk) => {
      answer = Buffer.concat([answer, chunk]);
      const end = answer.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer.subarray(0, end).toString('latin1'));
      if (!status || status[1] !== '200') {
        socket.destroy();
        once(new Error(`The agent's proxy refused the tunnel to ${target} (${status ? status[1] : 'no HTTP answer'})`));
        return;
      }
      once(null, tls.connect({ ...options, socket, servername: options.servername || (net.isIP(host) ? undefined : host) }));
    };
    socket.on('data', onData);
    socket.once('error', (error) => once(error));
    socket.once('close', () => once(new Error(`The agent's proxy closed the tunnel to ${target} before answering`)));
    return undefined;
  }
}

/** Points Node's default agents at `proxyAddress` when it is an HTTP(S) proxy; SOCKS ones are left to the script (HTTP(S)_PROXY / ALL_PROXY say where). */
function installProxyAgents(proxyAddress) {
  if (!proxyAddress) return;
  let proxy;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxyAddress) ? proxyAddress : `http://${proxyAddress}`);
  } catch {
    return;
  }
  if (proxy.protocol !== 'http:') return;
  http.globalAgent = new HttpProxyAgent(proxy);
  https.globalAgent = new HttpsProxyAgent(proxy);
}

module.exports = { installProxyAgents };
