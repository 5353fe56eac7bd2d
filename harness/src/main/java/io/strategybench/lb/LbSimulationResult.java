package io.strategybench.lb;

import java.util.List;
import java.util.Map;

/**
 * What one strategy did in a simulation. Latencies are response times seen by the client, queueing
 * included, in microseconds of virtual time.
 *
 * @param strategy strategy name
 * @param requests requests that arrived
 * @param completed requests answered by a backend with success
 * @param errors requests answered with an error (no backend, refused twice, shed, faulty backend)
 * @param latency response-time percentiles of successful requests ({@code p50Micros} ...)
 * @param backends per backend: name, share of dispatches, dispatches, peak in flight, errors
 * @param shareImbalance largest share divided by the mean share
 * @param peakInFlightImbalance largest per-backend peak in flight divided by the mean of those peaks
 * @param requestsToFailedBackend dispatches to a backend that was refusing connections or failing
 * @param retries requests retried on another backend after a refused connection
 * @param ejections passive-health ejections
 * @param stickiness share of session requests that went to their session's first backend
 * @param clientAffinity share of client requests that went to their client's first backend
 * @param panicDispatches requests dispatched while too few backends were available and health was set aside
 *     (the panic threshold)
 */
public record LbSimulationResult(String strategy, long requests, long completed, long errors,
    Map<String, Object> latency, List<Map<String, Object>> backends, double shareImbalance,
    double peakInFlightImbalance, long requestsToFailedBackend, long retries, long ejections, double stickiness,
    double clientAffinity, long panicDispatches) {}
