/* ops.h — every operator of the engine, for callers that use many. */
#pragma once

#include "ops/tensor.h"
#include "ops/elementwise.h"
