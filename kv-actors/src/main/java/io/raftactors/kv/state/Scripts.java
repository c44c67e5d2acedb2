package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.script.ScriptRunner;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.TreeMap;

/**
 * The scripts remembered for EVALSHA (by SCRIPT LOAD and by EVAL), part of the replicated state,
 * so that EVALSHA works on every replica and after a failover. Bounded: past {@link #MAX_SCRIPTS}
 * scripts or {@link #MAX_BYTES} of text, EVAL still runs a new script but does not remember it,
 * and SCRIPT LOAD refuses it; SCRIPT FLUSH forgets them all. Compiled forms are cached apart, per
 * JVM ({@link ScriptRunner}).
 */
final class Scripts {
  static final int MAX_SCRIPTS = 10_000;
  static final long MAX_BYTES = 64L * 1024 * 1024;

  private final TreeMap<String, Bytes> bySha = new TreeMap<>();
  private long bytes;

  /** Remembers {@code script} (if there is room); its SHA-1 either way. */
  String remember(Bytes script) {
    String sha = ScriptRunner.sha1(script);
    if (!bySha.containsKey(sha) && bySha.size() < MAX_SCRIPTS && bytes + script.size() <= MAX_BYTES) {
      bySha.put(sha, script);
      bytes += script.size();
    }
    return sha;
  }

  Bytes get(String sha) {
    return bySha.get(sha.toLowerCase(java.util.Locale.ROOT));
  }

  void clear() {
    bySha.clear();
    bytes = 0;
  }

  void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(bySha.size());
    for (Bytes script : bySha.values()) KvCodec.writeBytes(out, script);
  }

  void readFrom(DataInputStream in) throws IOException {
    clear();
    int n = in.readInt();
    if (n < 0 || n > MAX_SCRIPTS) throw new IOException("malformed KV snapshot: " + n + " scripts");
    for (int i = 0; i < n; i++) remember(KvCodec.readBytes(in));
  }
}
