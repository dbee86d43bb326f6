// SPDX-License-Identifier: Apache-2.0
#include "plugins/bandwidth/bandwidth.h"

int main(void)
{
	return cni_plugin_main(&bw_ops);
}
