import type { ReactNode } from "react";
import { SettingsTabs } from "@/components/settings/tabs";
import { PageHeader } from "@/components/ui/page-header";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="max-w-5xl">
      <PageHeader
        title="Settings"
        description="Users and roles, API keys and the organisation's configuration."
      />
      <SettingsTabs />
      <div className="mt-6">{children}</div>
    </div>
  );
}
