package io.raftactors.kv.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example compiles and works, and works again from its files. */
class EmbeddedKvExampleTest {
  @TempDir Path data;

  @Test
  void theReadmeExampleRunsAndItsDataSurvivesARestart() throws Exception {
    assertEquals("hello #1", EmbeddedKvExample.run(data));
    assertEquals("hello #2", EmbeddedKvExample.run(data), "the second run starts from the journals");
  }
}
