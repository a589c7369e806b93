package dev.knas.scoring.proxy;

import ai.djl.Device;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.kernel.Precision;
import dev.knas.space.nb201.Nb201Architecture;
import java.util.List;

/**
 * A validated zero-cost computation: the proxies of one (canonical) cell, computed together.
 *
 * @param batchSize B, the mini-batch size
 * @param kernelSamples MGM's n
 */
public record ProxyRequest(Nb201Architecture cell, Dataset dataset, List<ZeroCostProxy> proxies, int batchSize,
    int kernelSamples, long seed, Device device, Precision precision) {}
