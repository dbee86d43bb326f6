// SPDX-License-Identifier: Apache-2.0
#include "plugins/tuning/tuning.h"

int main(void)
{
	return cni_plugin_main(&tu_ops);
}
