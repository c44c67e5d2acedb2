package io.raftactors.raft.journal.file;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The process {@link JournalCrashTest} kills: recovers the journal in {@code args[0]}, then writes
 * entries and votes as fast as it can, printing {@code ACK <lastIndex> <term>} to stdout after
 * each acknowledgement (so the parent knows what was promised durable when it killed it).
 */
public final class CrashChild {
  static final FileJournalSettings SETTINGS = new FileJournalSettings(256 * 1024, true, true);

  /** The entry every incarnation writes at {@code index}: content the parent can check. */
  static LogEntry expected(long index) {
    byte[] data = new byte[(int) (index % 300)];
    for (int i = 0; i < data.length; i++) data[i] = (byte) (index * 31 + i);
    return LogEntry.command(index, 1 + index / 700, index, data);
  }

  private CrashChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    ActorSystem.create(writer(dir), "crash-child");
  }

  private static Behavior<Object> writer(Path dir) {
    return Behaviors.setup(ctx -> {
      ActorRef<Journal.Command> journal = ctx.spawn(FileJournal.create(dir, "n1", SETTINGS), "journal",
          DispatcherSelector.fromConfig("raft.journal.dispatcher"));
      ActorRef<Journal.Recovered> recovered = ctx.messageAdapter(Journal.Recovered.class, r -> r);
      ActorRef<Journal.Ack> acks = ctx.messageAdapter(Journal.Ack.class, a -> a);
      journal.tell(new Journal.Recover(recovered));
      Map<Long, String> promised = new HashMap<>();
      long[] state = new long[3]; // next index, next seq, term
      return Behaviors.receiveMessage(m -> {
        if (m instanceof Journal.Recovered r) {
          state[0] = r.entries().size() + 1;
          state[1] = 1;
          state[2] = r.term();
          System.out.println("RECOVERED " + r.entries().size() + " " + r.term());
        } else if (m instanceof Journal.Ack a) {
          System.out.println("ACK " + promised.remove(a.seq()));
          promised.keySet().removeIf(seq -> seq < a.seq());
        }
        // keep a few writes in flight
        while (promised.size() < 8) {
          long seq = state[1]++;
          if (seq % 50 == 0) {
            state[2]++;
            journal.tell(new Journal.SaveTermVote(seq, state[2], "n" + (state[2] % 3), acks));
          } else {
            List<LogEntry> batch = new ArrayList<>();
            int n = 1 + (int) (seq % 40);
            for (int i = 0; i < n; i++) batch.add(expected(state[0]++));
            journal.tell(new Journal.Append(seq, batch, acks));
          }
          promised.put(seq, (state[0] - 1) + " " + state[2]);
        }
        System.out.flush();
        return Behaviors.same();
      });
    });
  }
}
