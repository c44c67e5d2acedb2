package io.raftactors.raft.node;

import io.raftactors.raft.metrics.Counter;
import io.raftactors.raft.metrics.CounterFamily;
import io.raftactors.raft.metrics.MetricRegistry;
import io.raftactors.raft.protocol.RaftMessage;
import io.raftactors.raft.protocol.RaftMessageSerializer;

/**
 * Raft RPCs and their bytes (as {@link RaftMessageSerializer} encodes them, whether or not they
 * cross a process boundary) per peer: sent when handed to {@link io.raftactors.raft.Peers}
 * successfully, received when the node handles them. Peers are member ids, a bounded set.
 */
final class MessageCounters {
  private final CounterFamily sent;
  private final CounterFamily sentBytes;
  private final CounterFamily received;
  private final CounterFamily receivedBytes;

  MessageCounters(MetricRegistry r) {
    sent = r.counterFamily("raft_messages_sent_total", "Raft RPCs sent to a member.", "peer");
    sentBytes = r.counterFamily("raft_message_bytes_sent_total",
        "Serialized bytes of the Raft RPCs sent to a member.", "peer");
    received = r.counterFamily("raft_messages_received_total", "Raft RPCs received from a member.", "peer");
    receivedBytes = r.counterFamily("raft_message_bytes_received_total",
        "Serialized bytes of the Raft RPCs received from a member.", "peer");
  }

  /** Counters by peer, looked up once: {@link #sent} and {@link #received} run on the node's actor only. */
  private final java.util.Map<String, To> sentTo = new java.util.HashMap<>();
  private final java.util.Map<String, To> receivedFrom = new java.util.HashMap<>();

  void sent(String peer, RaftMessage m) {
    sentTo.computeIfAbsent(peer, this::to).count(m);
  }

  void received(RaftMessage m) {
    receivedFrom.computeIfAbsent(m.from(), p -> new To(received.labels(p), receivedBytes.labels(p))).count(m);
  }

  /** The sent counters of one peer, for a sender that only ever sends to it (a replicator). */
  To to(String peer) {
    return new To(sent.labels(peer), sentBytes.labels(peer));
  }

  /** The counters of one peer and direction. */
  record To(Counter messages, Counter bytes) {
    /** Counts {@code m}, sent or received. */
    void count(RaftMessage m) {
      messages.increment();
      bytes.add(RaftMessageSerializer.encodedSize(m));
    }
  }
}
