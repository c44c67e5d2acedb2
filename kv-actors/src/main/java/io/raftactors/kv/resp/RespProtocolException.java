package io.raftactors.kv.resp;

/** A request that breaks the RESP framing; the connection is answered with the error and closed. */
public final class RespProtocolException extends Exception {
  public RespProtocolException(String message) {
    super(message);
  }
}
