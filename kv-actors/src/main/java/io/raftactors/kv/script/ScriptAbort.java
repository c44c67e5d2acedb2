package io.raftactors.kv.script;

/**
 * Ends a script that exceeded its limits. An {@link Error}, not a {@code LuaError}: Lua's {@code
 * pcall} cannot catch it, so a script cannot go on past its limits.
 */
final class ScriptAbort extends Error {
  ScriptAbort(String message) {
    super(message, null, false, false);
  }
}
