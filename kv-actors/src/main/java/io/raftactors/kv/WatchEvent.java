package io.raftactors.kv;

/**
 * One change seen by a watcher. Changes made by one command share its revision and arrive in the
 * order the command made them.
 *
 * @param kv for PUT the new key-value; for DELETE the key with empty value and the deletion's
 *     revision as mod revision
 * @param previous the key-value before the change, or null if the key did not exist
 */
public record WatchEvent(Type type, long revision, KeyValue kv, KeyValue previous) {
  public enum Type {
    PUT,
    DELETE
  }
}
