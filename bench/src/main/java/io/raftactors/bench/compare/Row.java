package io.raftactors.bench.compare;

import org.HdrHistogram.Histogram;

/** One measured window: a target, a mode, a number of virtual clients. Latencies in microseconds. */
record Row(String target, String mode, int clients, double seconds, long ops, double opsPerSec, long errors,
    long p50, long p90, long p99, long p999, long max, double mean, double serverCores, String serverEach,
    double benchCores, double machineCores, double otherCores, String firstError, Histogram hist,
    java.util.Map<String, BatchStats> batches) {

  static Row of(String target, String mode, int clients, ClosedLoop.Result r) {
    Histogram h = r.hist();
    CpuSampler.Delta d = r.cpu();
    return new Row(target, mode, clients, r.seconds(), h.getTotalCount(), r.opsPerSec(), r.errors(),
        h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean(), d.serversTotal(), d.each(), d.benchCores(),
        d.machineCores(), d.otherCores(), r.firstError(), h, r.batches());
  }
}
