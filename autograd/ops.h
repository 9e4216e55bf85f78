// Everything differentiable, in one include.
#pragma once
#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/matmul.h"
#include "autograd/reduce.h"
#include "autograd/view.h"
