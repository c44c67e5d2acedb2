package io.raftactors.raft.journal.file;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.metrics.RaftMetrics;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The durable journal: the {@link Journal} protocol over a {@link SegmentedLog} in the node's data
 * directory. Runs on the dedicated blocking-I/O dispatcher ({@code raft.journal.dispatcher}).
 *
 * <p><b>Group commit.</b> A write goes to the page cache at once; the first write of a group also
 * sends this actor a {@code Sync} message, which queues behind every write already in the mailbox.
 * When it comes up, one fsync makes all of them durable and one {@link Journal.Ack} (with the
 * highest sequence number) acknowledges them. Writes that arrive while an fsync runs wait in the
 * mailbox and form the next group. Nothing is acknowledged before its fsync.
 *
 * <p>An I/O error fails the actor (and so stops the node): a journal that cannot make a write
 * durable must not pretend it did. Recovery refuses to start on corruption, with an error naming
 * the file and offset (see {@link SegmentReader}).
 */
public final class FileJournal extends AbstractBehavior<Journal.Command> {

  /** Asks for the journal's counters (fsyncs, entries per fsync). */
  public record GetStats(ActorRef<JournalStats.Snapshot> replyTo) implements Journal.Command {}

  private enum Sync implements Journal.Command {
    INSTANCE
  }

  private final Path dir;
  private final String nodeId;
  private final FileJournalSettings settings;
  private SegmentedLog log;
  private boolean syncScheduled;
  private long lastSeq;
  private ActorRef<Journal.Ack> ackTo;
  private final JournalStats stats;

  /**
   * @param dir the journal's own directory (conventionally {@code <raft.data-dir>/journal})
   */
  public static Behavior<Journal.Command> create(Path dir, String nodeId, FileJournalSettings settings) {
    return Behaviors.setup(ctx -> new FileJournal(ctx, dir, nodeId, settings));
  }

  private FileJournal(
      ActorContext<Journal.Command> ctx, Path dir, String nodeId, FileJournalSettings settings) {
    super(ctx);
    this.dir = dir;
    this.nodeId = nodeId;
    this.settings = settings;
    this.stats = new JournalStats(RaftMetrics.get(ctx.getSystem()).node(nodeId));
    if (!settings.fsync()) {
      ctx.getLog().warn("journal {}: raft.journal.file.fsync = off: acknowledged writes can be lost "
          + "on a machine crash; use this for benchmarks only", dir);
    }
  }

  @Override
  public Receive<Journal.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Journal.Recover.class, this::onRecover)
        .onMessage(Journal.Write.class, this::onWrite)
        .onMessageEquals(Sync.INSTANCE, this::onSync)
        .onMessage(Journal.RemovePrefix.class, this::onRemovePrefix)
        .onMessage(GetStats.class, this::onGetStats)
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Journal.Command> onRecover(Journal.Recover recover) throws IOException {
    if (log != null) throw new IllegalStateException("journal " + dir + " recovered twice");
    long start = System.nanoTime();
    SegmentedLog.Opened opened = SegmentedLog.open(dir, nodeId, settings,
        getContext().getExecutionContext(), getContext().getLog(), stats);
    log = opened.log();
    getContext().getLog().info("journal {}: recovered {} entries in {} ms", dir,
        opened.recovered().entries().size(), (System.nanoTime() - start) / 1_000_000);
    recover.replyTo().tell(opened.recovered());
    return this;
  }

  private Behavior<Journal.Command> onWrite(Journal.Write write) throws IOException {
    if (log == null) throw new IllegalStateException("journal " + dir + ": write before recovery");
    if (write instanceof Journal.Append a) {
      log.append(a.entries());
    } else if (write instanceof Journal.TruncateSuffix t) {
      log.truncateFrom(t.fromIndex());
    } else if (write instanceof Journal.SaveTermVote v) {
      log.saveTermVote(v.term(), v.votedFor());
    } else if (write instanceof Journal.ResetTo r) {
      log.resetTo(r.index());
    }
    lastSeq = write.seq();
    ackTo = write.replyTo();
    if (!syncScheduled) {
      syncScheduled = true;
      getContext().getSelf().tell(Sync.INSTANCE);
    }
    return this;
  }

  private Behavior<Journal.Command> onSync() throws IOException {
    syncScheduled = false;
    log.sync();
    ackTo.tell(new Journal.Ack(lastSeq));
    return this;
  }

  private Behavior<Journal.Command> onRemovePrefix(Journal.RemovePrefix remove) throws IOException {
    log.removePrefix(remove.upTo());
    return this;
  }

  private Behavior<Journal.Command> onGetStats(GetStats get) {
    get.replyTo().tell(stats.snapshot());
    return this;
  }

  private Behavior<Journal.Command> onStop() {
    if (log != null) {
      JournalStats.Snapshot st = stats.snapshot();
      if (st.fsyncs() > 0) {
        getContext().getLog().info("journal {}: {} entries written in {} fsyncs ({} entries per fsync)", dir,
            st.entries(), st.fsyncs(), String.format(java.util.Locale.ROOT, "%.1f", st.averageEntriesPerFsync()));
      }
      log.close();
    }
    return this;
  }
}
