'use strict';
// The script's private channel to the executor: newline-delimited JSON on fd 3 (a unix socket the
// runner opened), never stdout/stderr, which are the script's console output.
//
//   child -> runner  {t:'hello'}                           once, as soon as the process is up
//   child -> runner  {t:'req', id, req}                    a RuntimeRequest; the runner answers it
//   runner -> child  {t:'res', id, ok, value | error}      the answer
//   runner -> child  {t:'init', config}                    once, before the script is loaded
//   runner -> child  {t:'deadline', at}                    time limit moved (ms since epoch, null = none)
//   runner -> child  {t:'stop', terminate}                 a stop was requested: getTimeLeft() answers -1;
//                                                          terminate: SIGTERM the run's process group
const fs = require('node:fs');
const net = require('node:net');

const CHANNEL_FD = 3;

class Channel {
  constructor(fd = CHANNEL_FD) {
    this.fd = fd;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    this.buffer = '';
    this.socket = new net.Socket({ fd, readable: true, writable: false });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (text) => this.receive(text));
    this.socket.on('error', () => {});
    this.socket.on('close', () => this.emit('close'));
  }

  on(type, listener) {
    this.listeners.set(type, listener);
  }

  emit(type, message) {
    const listener = this.listeners.get(type);
    if (listener) listener(message);
  }

  /** Sends a request and resolves with the runner's answer (rejects with its error). */
  request(req) {
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // While an answer is awaited the channel keeps the process alive; otherwise it must not, so a
    // script that is done exits by itself.
    this.socket.ref();
    this.write({ t: 'req', id, req });
    return answer;
  }

  /** Fire and forget (progressHint): written synchronously so even an immediate exit keeps it. */
  notify(req) {
    this.write({ t: 'req', id: 0, req });
  }

  // Synchronous writes: a message sent just before process.exit() still reaches the runner, and
  // messages keep their order. The fd is non-blocking (libuv owns it), so EAGAIN means "retry".
  write(message) {
    const bytes = Buffer.from(JSON.stringify(message) + '\n', 'utf8');
    let written = 0;
    while (written < bytes.length) {
      try {
        written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
      } catch (error) {
        if (error.code !== 'EAGAIN') throw error;
      }
    }
  }

  receive(text) {
    this.buffer += text;
    let newline;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.dispatch(JSON.parse(line));
    }
  }

  dispatch(message) {
    if (message.t !== 'res') return this.emit(message.t, message);
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.socket.unref();
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
  }

  /** Lets the process exit while nothing is awaited. */
  release() {
    if (this.pending.size === 0) this.socket.unref();
  }
}

module.exports = { Channel };
