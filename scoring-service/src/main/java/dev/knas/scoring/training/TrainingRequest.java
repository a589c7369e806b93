package dev.knas.scoring.training;

import ai.djl.Device;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.kernel.Precision;
import dev.knas.space.nb201.Nb201Architecture;

/** One short training: the cell (already in canonical form), where and how to train it. */
public record TrainingRequest(Nb201Architecture cell, Dataset dataset, TrainingRecipe recipe, long seed,
    Device device, Precision precision) {}
