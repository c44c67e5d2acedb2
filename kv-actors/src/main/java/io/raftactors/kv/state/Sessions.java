package io.raftactors.kv.state;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Client sessions for exactly-once writes (Raft dissertation 6.3), part of the replicated state:
 * per session, the results of the writes the client has not yet confirmed receiving, by sequence
 * number. A retried write (same session and sequence number) is not applied again; it gets the
 * original result. A session idle longer than its TTL (on the leader-stamped clock) expires.
 */
final class Sessions {
  /** At most this many unconfirmed results are kept per session. */
  static final int MAX_RESULTS = 65_536;

  static final class Session {
    final long id;
    final long ttlMillis;
    long lastSeen;
    /** Sequence numbers below this one were confirmed by the client and their results dropped. */
    long firstKept = 1;
    final TreeMap<Long, byte[]> results = new TreeMap<>();

    Session(long id, long ttlMillis, long lastSeen) {
      this.id = id;
      this.ttlMillis = ttlMillis;
      this.lastSeen = lastSeen;
    }

    long expiresAt() {
      return lastSeen + ttlMillis;
    }
  }

  /** What to do with a write of a session. */
  sealed interface Verdict {}

  /** Apply it, then {@link #record} its result. */
  record Apply(Session session) implements Verdict {}

  /** Already applied: answer with this result again. */
  record Duplicate(byte[] result) implements Verdict {}

  /** Refuse it (unknown or expired session, or a sequence number already confirmed). */
  record Refuse(String reason) implements Verdict {}

  private final TreeMap<Long, Session> sessions = new TreeMap<>();

  void open(long id, long ttlMillis, long now) {
    sessions.put(id, new Session(id, ttlMillis, now));
  }

  /**
   * Checks a write {@code seq} of session {@code id}; the client confirmed receiving every result
   * below {@code firstUnconfirmed}, so those are dropped.
   */
  Verdict check(long id, long seq, long firstUnconfirmed, long now) {
    Session s = sessions.get(id);
    if (s == null) return new Refuse("session " + id + " is unknown or expired");
    s.lastSeen = Math.max(s.lastSeen, now);
    if (firstUnconfirmed > s.firstKept) {
      s.results.headMap(firstUnconfirmed).clear();
      s.firstKept = firstUnconfirmed;
    }
    if (seq < s.firstKept) {
      return new Refuse("sequence number " + seq + " of session " + id + " was already confirmed");
    }
    byte[] earlier = s.results.get(seq);
    if (earlier != null) return new Duplicate(earlier);
    if (s.results.size() >= MAX_RESULTS) {
      return new Refuse("session " + id + " has " + MAX_RESULTS + " unconfirmed writes");
    }
    return new Apply(s);
  }

  void record(Session s, long seq, byte[] result) {
    s.results.put(seq, result);
  }

  /** Removes sessions idle past their TTL; returns how many. */
  int expire(long now) {
    int n = 0;
    for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresAt() <= now) {
        it.remove();
        n++;
      }
    }
    return n;
  }

  long nextExpiry() {
    long next = 0;
    for (Session s : sessions.values()) {
      if (next == 0 || s.expiresAt() < next) next = s.expiresAt();
    }
    return next;
  }

  int size() {
    return sessions.size();
  }

  void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(sessions.size());
    for (Session s : sessions.values()) {
      out.writeLong(s.id);
      out.writeLong(s.ttlMillis);
      out.writeLong(s.lastSeen);
      out.writeLong(s.firstKept);
      out.writeInt(s.results.size());
      for (Map.Entry<Long, byte[]> r : s.results.entrySet()) {
        out.writeLong(r.getKey());
        out.writeInt(r.getValue().length);
        out.write(r.getValue());
      }
    }
  }

  void readFrom(DataInputStream in) throws IOException {
    sessions.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      Session s = new Session(in.readLong(), in.readLong(), in.readLong());
      s.firstKept = in.readLong();
      int results = in.readInt();
      for (int r = 0; r < results; r++) {
        long seq = in.readLong();
        byte[] result = new byte[in.readInt()];
        in.readFully(result);
        s.results.put(seq, result);
      }
      sessions.put(s.id, s);
    }
  }
}
