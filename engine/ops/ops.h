/* ops.h — every operator of the engine, for callers that use many. */
#pragma once

#include "ops/tensor.h"
#include "ops/epilogue.h"
#include "ops/matmul.h"
#include "ops/conv2d.h"
#include "ops/concat.h"
#include "ops/copy.h"
#include "ops/upsample.h"
#include "ops/downsample.h"
#include "ops/timestep.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"
#include "ops/norm.h"
#include "ops/softmax.h"
#include "ops/attention.h"
#include "ops/transpose.h"
#include "ops/stft.h"
