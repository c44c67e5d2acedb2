package io.raftactors.raft.protocol;

import akka.actor.ExtendedActorSystem;
import akka.serialization.SerializerWithStringManifest;
import io.raftactors.raft.log.EntryKind;
import io.raftactors.raft.log.LogEntry;
import java.io.NotSerializableException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact binary serializer for the Raft RPCs (the hot path between members), bound to {@link
 * RaftMessage} in {@code reference.conf}. Sizes are exact, so a batch that respects {@code
 * raft.replication.max-bytes-per-append} provably fits Artery's frame: per entry 29 bytes plus
 * data (within {@link LogEntry#OVERHEAD_BYTES}), per message at most 56 bytes plus the sender id.
 *
 * <p>Layout (big-endian): a version byte, then per manifest: RequestVote {@code term, from,
 * lastLogIndex, lastLogTerm, flags} (bit 0: preVote, bit 1: transfer); VoteResponse {@code term, from, granted, preVote};
 * AppendEntries {@code term, from, prevLogIndex, prevLogTerm, leaderCommit, readRound, count,
 * entries...} with each entry {@code index, term, timestamp, kind, length, data}; AppendResponse
 * {@code term, from, success, matchIndex, rejectedIndex, hintIndex, hintTerm, lastLogIndex,
 * readRound}; InstallSnapshot {@code term, from, snapshotIndex, snapshotTerm, offset, totalBytes,
 * length, data}; InstallSnapshotResponse {@code term, from, snapshotIndex, snapshotTerm,
 * nextOffset, status}; TimeoutNow {@code term, from}. Strings are a 2-byte length and UTF-8.
 */
public final class RaftMessageSerializer extends SerializerWithStringManifest {
  private static final byte VERSION = 1;
  private static final String REQUEST_VOTE = "RV";
  private static final String VOTE_RESPONSE = "VR";
  private static final String APPEND_ENTRIES = "AE";
  private static final String APPEND_RESPONSE = "AR";
  private static final String INSTALL_SNAPSHOT = "IS";
  private static final String INSTALL_RESPONSE = "IR";
  private static final String TIMEOUT_NOW = "TN";
  /** Largest node id, in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 255;

  public RaftMessageSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return 717_001;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof RequestVote) return REQUEST_VOTE;
    if (o instanceof VoteResponse) return VOTE_RESPONSE;
    if (o instanceof AppendEntries) return APPEND_ENTRIES;
    if (o instanceof AppendResponse) return APPEND_RESPONSE;
    if (o instanceof InstallSnapshot) return INSTALL_SNAPSHOT;
    if (o instanceof InstallSnapshotResponse) return INSTALL_RESPONSE;
    if (o instanceof TimeoutNow) return TIMEOUT_NOW;
    throw new IllegalArgumentException("not a Raft RPC: " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (!(o instanceof RaftMessage message)) {
      throw new IllegalArgumentException("not a Raft RPC: " + o.getClass().getName());
    }
    byte[] from = id(message.from());
    ByteBuffer b = ByteBuffer.allocate(size(message, from.length))
        .put(VERSION).putLong(message.term()).putShort((short) from.length).put(from);
    if (o instanceof RequestVote m) {
      b.putLong(m.lastLogIndex()).putLong(m.lastLogTerm())
          .put((byte) ((m.preVote() ? 1 : 0) | (m.transfer() ? 2 : 0)));
    } else if (o instanceof VoteResponse m) {
      b.put(bool(m.granted())).put(bool(m.preVote()));
    } else if (o instanceof AppendEntries m) {
      appendEntries(b, m);
    } else if (o instanceof AppendResponse m) {
      b.put(bool(m.success()))
          .putLong(m.matchIndex()).putLong(m.rejectedIndex()).putLong(m.hintIndex())
          .putLong(m.hintTerm()).putLong(m.lastLogIndex()).putLong(m.readRound());
    } else if (o instanceof InstallSnapshot m) {
      b.putLong(m.snapshotIndex()).putLong(m.snapshotTerm()).putLong(m.offset())
          .putLong(m.totalBytes()).putInt(m.data().length).put(m.data());
    } else if (o instanceof InstallSnapshotResponse m) {
      b.putLong(m.snapshotIndex()).putLong(m.snapshotTerm()).putLong(m.nextOffset())
          .put((byte) m.status().ordinal());
    } // TimeoutNow: the common head only
    return b.array();
  }

  /**
   * The length of {@link #toBinary toBinary(m)}, computed without serializing (no allocation), for
   * metrics of the bytes sent and received. The same arithmetic sizes toBinary's buffer. An id
   * longer than {@link #MAX_ID_BYTES} is not checked here (toBinary refuses it).
   */
  public static int encodedSize(RaftMessage m) {
    return size(m, utf8Length(m.from()));
  }

  /** The serialized size of {@code m} whose sender id is {@code fromLength} bytes of UTF-8. */
  private static int size(RaftMessage m, int fromLength) {
    int head = 1 + 8 + 2 + fromLength; // version, term, from
    if (m instanceof RequestVote) return head + 8 + 8 + 1;
    if (m instanceof VoteResponse) return head + 1 + 1;
    if (m instanceof AppendEntries ae) {
      int size = head + 8 * 4 + 4;
      for (LogEntry e : ae.entries()) size += ENTRY_HEAD + e.data().length;
      return size;
    }
    if (m instanceof AppendResponse) return head + 1 + 8 * 6;
    if (m instanceof InstallSnapshot is) return head + 8 * 4 + 4 + is.data().length;
    if (m instanceof InstallSnapshotResponse) return head + 8 * 3 + 1;
    return head; // TimeoutNow
  }

  /** What {@code s.getBytes(UTF_8).length} is (an unpaired surrogate becomes one '?'). */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n += 1;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Per entry: index, term, timestamp, kind, length (then the data). */
  private static final int ENTRY_HEAD = 8 + 8 + 8 + 1 + 4;

  private static void appendEntries(ByteBuffer b, AppendEntries m) {
    b.putLong(m.prevLogIndex()).putLong(m.prevLogTerm()).putLong(m.leaderCommit())
        .putLong(m.readRound()).putInt(m.entries().size());
    for (LogEntry e : m.entries()) {
      b.putLong(e.index()).putLong(e.term()).putLong(e.timestamp())
          .put((byte) e.kind().ordinal()).putInt(e.data().length).put(e.data());
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte version = b.get();
      if (version != VERSION) {
        throw new NotSerializableException("unknown Raft RPC format version " + version);
      }
      switch (manifest) {
        case REQUEST_VOTE: {
          long term = b.getLong();
          String from = readString(b);
          long lastIndex = b.getLong();
          long lastTerm = b.getLong();
          int flags = b.get();
          return new RequestVote(term, from, lastIndex, lastTerm, (flags & 1) != 0, (flags & 2) != 0);
        }
        case TIMEOUT_NOW:
          return new TimeoutNow(b.getLong(), readString(b));
        case VOTE_RESPONSE:
          return new VoteResponse(b.getLong(), readString(b), b.get() != 0, b.get() != 0);
        case APPEND_ENTRIES:
          return readAppendEntries(b);
        case APPEND_RESPONSE:
          return new AppendResponse(b.getLong(), readString(b), b.get() != 0,
              b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
        case INSTALL_SNAPSHOT:
          return readInstallSnapshot(b);
        case INSTALL_RESPONSE: {
          long term = b.getLong();
          String from = readString(b);
          long index = b.getLong();
          long snapshotTerm = b.getLong();
          long next = b.getLong();
          int status = b.get();
          InstallSnapshotResponse.Status[] statuses = InstallSnapshotResponse.Status.values();
          if (status < 0 || status >= statuses.length) throw new IllegalArgumentException("status " + status);
          return new InstallSnapshotResponse(term, from, index, snapshotTerm, next, statuses[status]);
        }
        default:
          throw new NotSerializableException("unknown Raft RPC manifest '" + manifest + "'");
      }
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      NotSerializableException n =
          new NotSerializableException("malformed Raft RPC '" + manifest + "': " + e);
      n.initCause(e);
      throw n;
    }
  }

  private static AppendEntries readAppendEntries(ByteBuffer b) {
    long term = b.getLong();
    String from = readString(b);
    long prevIndex = b.getLong();
    long prevTerm = b.getLong();
    long commit = b.getLong();
    long round = b.getLong();
    int count = b.getInt();
    if (count < 0 || count > b.remaining() / ENTRY_HEAD) {
      throw new IllegalArgumentException("entry count " + count + " does not fit the message");
    }
    EntryKind[] kinds = EntryKind.values();
    List<LogEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long index = b.getLong();
      long entryTerm = b.getLong();
      long timestamp = b.getLong();
      int kind = b.get();
      if (kind < 0 || kind >= kinds.length) throw new IllegalArgumentException("entry kind " + kind);
      int length = b.getInt();
      if (length < 0 || length > b.remaining()) {
        throw new IllegalArgumentException("entry length " + length + " beyond the message");
      }
      byte[] data = new byte[length];
      b.get(data);
      entries.add(new LogEntry(index, entryTerm, timestamp, kinds[kind], data));
    }
    return new AppendEntries(term, from, prevIndex, prevTerm, entries, commit, round);
  }

  private static InstallSnapshot readInstallSnapshot(ByteBuffer b) {
    long term = b.getLong();
    String from = readString(b);
    long index = b.getLong();
    long snapshotTerm = b.getLong();
    long offset = b.getLong();
    long total = b.getLong();
    int length = b.getInt();
    if (length < 0 || length > b.remaining()) {
      throw new IllegalArgumentException("chunk length " + length + " beyond the message");
    }
    byte[] data = new byte[length];
    b.get(data);
    return new InstallSnapshot(term, from, index, snapshotTerm, offset, total, data);
  }

  private static byte[] id(String id) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_ID_BYTES) {
      throw new IllegalArgumentException("node id longer than " + MAX_ID_BYTES + " bytes: " + id);
    }
    return bytes;
  }

  private static String readString(ByteBuffer b) {
    int length = b.getShort() & 0xFFFF;
    if (length > MAX_ID_BYTES || length > b.remaining()) {
      throw new IllegalArgumentException("string length " + length);
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte bool(boolean v) {
    return (byte) (v ? 1 : 0);
  }
}
