package io.raftactors.kv.lock;

import io.raftactors.kv.KvException;

/**
 * A queued or held entry is gone although its owner did not release it: its session or TTL ended
 * (the client was dead or cut off too long), or somebody deleted it.
 */
public final class LockLostException extends KvException {
  public LockLostException(String message) {
    super(message);
  }
}
