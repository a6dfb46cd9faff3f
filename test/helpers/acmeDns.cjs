// A stand-in for a real network's DNS, loaded with `node --require` into a process under test:
// names under .acme.test (RFC 2606 reserves .test) resolve to 127.0.0.1, where the tests run
// the services such a network would have. A deployed stage must not name loopback (packaging
// refuses it), so a test of a real-looking stage names its services this way. Node's net and
// http look names up through dns.lookup at connect time, so replacing it here is enough.
const dns = require('node:dns');

const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (!/\.acme\.test$/i.test(hostname)) return original.apply(this, arguments);
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all;
  if (all) process.nextTick(done, null, [{ address: '127.0.0.1', family: 4 }]);
  else process.nextTick(done, null, '127.0.0.1', 4);
  return {};
};
