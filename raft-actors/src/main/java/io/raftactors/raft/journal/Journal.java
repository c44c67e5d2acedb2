package io.raftactors.raft.journal;

import akka.actor.typed.ActorRef;
import io.raftactors.raft.log.LogEntry;
import java.util.List;

/**
 * The journal protocol: the durable storage of one node's Raft state (current term, vote, log),
 * spoken by an actor that the node spawns as its child on a blocking-I/O dispatcher.
 *
 * <p><b>Acknowledged means durable.</b> Every write command carries a sequence number that
 * increases by one per command. {@link Ack Ack(seq)} means the command {@code seq} and every
 * command before it are durable: they survive a crash of the process and of the machine (for a
 * journal that claims so). A journal may acknowledge several commands with one Ack (group
 * commit). It executes commands in the order received.
 *
 * <p>A journal that cannot make a write durable must fail (throw / stop): the node watches it
 * and stops loudly rather than go on with state it could lose. A restarted node recovers only
 * what its journal acknowledged (and possibly more that was written but not yet acknowledged,
 * which is harmless: Raft never promised anything about it).
 */
public final class Journal {
  private Journal() {}

  /** Messages a journal actor accepts. */
  public interface Command {}

  /** Reads the durable state; answered once with {@link Recovered}. Sent first, once. */
  public record Recover(ActorRef<Recovered> replyTo) implements Command {}

  /**
   * The durable state found at start.
   *
   * @param votedFor null if the node has not voted in {@code term}
   * @param entries the log: consecutive entries from {@code firstIndex}
   * @param firstIndex the index of the first entry held, or of the next entry to append when
   *     none is held: 1, or later when a prefix was removed after a snapshot ({@link
   *     RemovePrefix}, {@link ResetTo})
   */
  public record Recovered(long term, String votedFor, List<LogEntry> entries, long firstIndex) {
    public Recovered {
      entries = List.copyOf(entries);
      if (firstIndex < 1) throw new IllegalArgumentException("firstIndex " + firstIndex);
      if (!entries.isEmpty() && entries.get(0).index() != firstIndex) {
        throw new IllegalArgumentException(
            "entries start at " + entries.get(0).index() + ", not at firstIndex " + firstIndex);
      }
    }

    /** The state of a journal that never held anything. */
    public static Recovered empty() {
      return new Recovered(0, null, List.of(), 1);
    }

    /** Index of the last entry held, or {@code firstIndex - 1} when none. */
    public long lastIndex() {
      return firstIndex + entries.size() - 1;
    }
  }

  /** A command that changes durable state; acknowledged by an {@link Ack} to {@code replyTo}. */
  public sealed interface Write extends Command permits Append, TruncateSuffix, SaveTermVote, ResetTo {
    long seq();

    ActorRef<Ack> replyTo();
  }

  /** Appends consecutive entries; the first has index {@code lastIndex + 1}. */
  public record Append(long seq, List<LogEntry> entries, ActorRef<Ack> replyTo) implements Write {}

  /** Removes every entry with index {@code >= fromIndex} (conflicting suffix, Raft 5.3). */
  public record TruncateSuffix(long seq, long fromIndex, ActorRef<Ack> replyTo) implements Write {}

  /** Stores the current term and the vote cast in it (null: none), replacing the previous pair. */
  public record SaveTermVote(long seq, long term, String votedFor, ActorRef<Ack> replyTo)
      implements Write {}

  /**
   * A snapshot of everything up to {@code index} was installed and made durable, and the log held
   * here does not continue it: every entry is removed, and the next append has index {@code index
   * + 1}. After a crash the journal holds no entry at or below {@code index} once this was
   * acknowledged (before: either the old log or none).
   */
  public record ResetTo(long seq, long index, ActorRef<Ack> replyTo) implements Write {}

  /**
   * The entries up to {@code upTo} are covered by a durable snapshot and may be discarded (log
   * compaction). A journal may keep some of them (a file journal drops whole segments only); it
   * never drops later ones. Not acknowledged: it promises nothing to anyone.
   */
  public record RemovePrefix(long upTo) implements Command {}

  /** Every command up to and including {@code seq} is durable. */
  public record Ack(long seq) {}
}
