package io.raftactors.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Stands in for a Raft node in front of a journal: numbers the appends of many concurrent writers
 * (consecutive indexes and sequence numbers, as the journal protocol wants) and completes each
 * writer's append when an acknowledgement covers it.
 */
final class JournalDriver {
  private JournalDriver() {}

  /** Append one entry of {@code data}; {@code done} gets the nanoTime it was acknowledged at. */
  record Write(byte[] data, LongConsumer done) {}

  private record Waiting(long seq, LongConsumer done) {}

  static Behavior<Object> create(ActorRef<Journal.Command> journal, long firstIndex) {
    return Behaviors.setup(ctx -> {
      ActorRef<Journal.Ack> acks = ctx.messageAdapter(Journal.Ack.class, a -> a);
      ArrayDeque<Waiting> waiting = new ArrayDeque<>();
      long[] next = {firstIndex, 1}; // index, seq
      return Behaviors.receiveMessage(m -> {
        if (m instanceof Write w) {
          long seq = next[1]++;
          journal.tell(new Journal.Append(seq, List.of(LogEntry.command(next[0]++, 1, 0, w.data())), acks));
          waiting.add(new Waiting(seq, w.done()));
        } else if (m instanceof Journal.Ack a) {
          long now = System.nanoTime();
          while (!waiting.isEmpty() && waiting.peek().seq() <= a.seq()) waiting.poll().done().accept(now);
        }
        return Behaviors.same();
      });
    });
  }
}
