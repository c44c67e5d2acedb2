package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The launcher's log lines really print: SLF4J is bound to Logback, not the silent NOP logger. */
class LoggingTest {
  @Test
  void slf4jIsBoundToLogback() {
    assertInstanceOf(ch.qos.logback.classic.LoggerContext.class, LoggerFactory.getILoggerFactory());
  }
}
