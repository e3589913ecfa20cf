'use strict';
const http = require('http');
const service = require('./src/service');

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const routes = {
  'GET /health': () => ({ status: 200, body: service.health() }),
  'GET /capabilities': () => ({ status: 200, body: service.describe() }),
  'GET /state': () => ({ status: 200, body: service.state() }),
  'GET /dependencies': () => ({ status: 200, body: service.dependencies() }),
};

http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'POST' && path === '/message') {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => {
      let envelope = null;
      try { envelope = JSON.parse(text); } catch { envelope = null; }
      const answer = service.message(envelope);
      send(res, answer.status, answer.body);
    });
    return;
  }
  const route = routes[`${req.method} ${path}`];
  if (!route) {
    send(res, 404, { error: `no route ${req.method} ${path}` });
    return;
  }
  const answer = route();
  send(res, answer.status, answer.body);
}).listen(Number(process.env.PORT || 8080), '0.0.0.0');
