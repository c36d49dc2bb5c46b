import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutLoopbackPort } from './loopback-redirect.ts';

describe('withoutLoopbackPort', () => {
  it('drops only the port of an http loopback URI', () => {
    assert.equal(withoutLoopbackPort('http://127.0.0.1:53123/cb'), 'http://127.0.0.1/cb');
    assert.equal(withoutLoopbackPort('http://127.0.0.1/cb'), 'http://127.0.0.1/cb');
    assert.equal(withoutLoopbackPort('http://[::1]:8080/cb?x=1'), 'http://[::1]/cb?x=1');
    assert.equal(withoutLoopbackPort('http://localhost:3000'), 'http://localhost');
    assert.equal(withoutLoopbackPort('http://127.0.0.1:53123/CB/../cb'), 'http://127.0.0.1/CB/../cb', 'the path is kept as sent');
  });

  it('leaves everything that is not plainly an http loopback URI unmatched', () => {
    for (const uri of [
      'https://127.0.0.1:8443/cb',
      'http://127.0.0.1.evil.example/cb',
      'http://127.0.0.1:1@evil.example/cb',
      'http://user@127.0.0.1:80/cb',
      'http://127.0.0.1:53123/cb#fragment',
      'http://127.0.0.2/cb',
      'HTTP://127.0.0.1/cb',
      'com.example.app:/cb',
    ]) {
      assert.equal(withoutLoopbackPort(uri), undefined, uri);
    }
  });
});
