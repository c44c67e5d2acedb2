package io.raftactors.raft.node;

import akka.actor.typed.ActorRef;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The node's side of the journal protocol: numbers writes, tracks which are durable, and holds
 * outgoing messages that promise something until the writes before them are durable ("persist
 * before you promise": a vote is granted and an append acknowledged only after the journal
 * confirms, Raft Figure 2 "persistent state ... updated on stable storage before responding").
 */
final class JournalWriter {
  private record LogWrite(long seq, long lastIndexAfter, long truncatedFrom) {}

  private record Held(long seq, Runnable send) {}

  private final ActorRef<Journal.Command> journal;
  private final ActorRef<Journal.Ack> ackTo;
  private long lastIssued;
  private long lastAcked;
  /** Last index of the durable log as of the latest acknowledged write. */
  private long durableLastIndex;
  /** The latest term/vote write. */
  private long lastTermVoteSeq;

  private final ArrayDeque<LogWrite> unackedLogWrites = new ArrayDeque<>();
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  JournalWriter(ActorRef<Journal.Command> journal, ActorRef<Journal.Ack> ackTo) {
    this.journal = journal;
    this.ackTo = ackTo;
  }

  ActorRef<Journal.Command> ref() {
    return journal;
  }

  void recovered(long lastIndex) {
    durableLastIndex = lastIndex;
  }

  void append(List<LogEntry> entries) {
    long seq = ++lastIssued;
    journal.tell(new Journal.Append(seq, entries, ackTo));
    unackedLogWrites.add(new LogWrite(seq, entries.get(entries.size() - 1).index(), 0));
  }

  void truncateFrom(long fromIndex) {
    long seq = ++lastIssued;
    journal.tell(new Journal.TruncateSuffix(seq, fromIndex, ackTo));
    unackedLogWrites.add(new LogWrite(seq, fromIndex - 1, fromIndex));
  }

  /** The log is now a snapshot up to {@code index} and nothing after it. */
  void resetTo(long index) {
    long seq = ++lastIssued;
    journal.tell(new Journal.ResetTo(seq, index, ackTo));
    unackedLogWrites.add(new LogWrite(seq, index, index + 1));
  }

  /** Lets the journal drop entries up to {@code upTo}, which a durable snapshot covers. */
  void removePrefix(long upTo) {
    journal.tell(new Journal.RemovePrefix(upTo));
  }

  /** Issues the write and returns its sequence number. */
  long saveTermVote(long term, String votedFor) {
    long seq = ++lastIssued;
    lastTermVoteSeq = seq;
    journal.tell(new Journal.SaveTermVote(seq, term, votedFor, ackTo));
    return seq;
  }

  /** Runs {@code send} once every write issued so far is durable (at once if they all are). */
  void whenDurable(Runnable send) {
    if (lastAcked == lastIssued) {
      send.run();
    } else {
      held.add(new Held(lastIssued, send));
    }
  }

  boolean isDurable(long seq) {
    return lastAcked >= seq;
  }

  /** Whether the current term and vote are durable. */
  boolean termVoteDurable() {
    return lastAcked >= lastTermVoteSeq;
  }

  void onAck(long seq) {
    if (seq <= lastAcked) return;
    if (seq > lastIssued) {
      throw new IllegalStateException("journal acknowledged seq " + seq + " never issued");
    }
    lastAcked = seq;
    while (!unackedLogWrites.isEmpty() && unackedLogWrites.peek().seq() <= seq) {
      durableLastIndex = unackedLogWrites.poll().lastIndexAfter();
    }
    while (!held.isEmpty() && held.peek().seq() <= seq) {
      held.poll().send().run();
    }
  }

  /**
   * The highest index N such that entries 1..N, as the node's log holds them now, are durable: the
   * durable last index, lowered by every truncation still in flight (until a truncation is
   * durable, the journal may still hold the entries it removes).
   */
  long durableMatchIndex() {
    long match = durableLastIndex;
    for (LogWrite w : unackedLogWrites) {
      if (w.truncatedFrom() > 0) match = Math.min(match, w.truncatedFrom() - 1);
    }
    return match;
  }
}
