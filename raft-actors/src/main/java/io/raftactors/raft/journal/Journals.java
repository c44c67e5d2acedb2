package io.raftactors.raft.journal;

import akka.actor.typed.Behavior;
import com.typesafe.config.Config;
import io.raftactors.raft.journal.file.FileJournalProvider;

/** Resolves {@code raft.journal.plugin} to a journal behavior. */
public final class Journals {
  private Journals() {}

  /**
   * The journal named by {@code plugin}: {@code memory}, {@code file}, or the class name of a {@link
   * JournalProvider}. Fails with a message naming the key when the plugin cannot be loaded.
   */
  public static Behavior<Journal.Command> fromPlugin(String plugin, String nodeId, Config config) {
    if (plugin.equals("memory")) return MemoryJournal.create(new MemoryJournalStore());
    if (plugin.equals("file")) return new FileJournalProvider().create(nodeId, config);
    try {
      Class<?> type = Class.forName(plugin);
      if (!JournalProvider.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(
            "raft.journal.plugin: " + plugin + " does not implement " + JournalProvider.class.getName());
      }
      JournalProvider provider =
          (JournalProvider) type.getDeclaredConstructor().newInstance();
      return provider.create(nodeId, config);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          "raft.journal.plugin: cannot load '" + plugin + "' (memory or a JournalProvider class name)",
          e);
    }
  }
}
