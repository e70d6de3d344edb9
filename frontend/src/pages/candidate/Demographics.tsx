import { useEffect, useState } from "react";
import { Alert, Button, Card, ErrorMessage, Loading, PageHeader, SelectField, TextField } from "../../components/ui";
import { useDeleteDemographics, useDemographics, useSaveDemographics } from "../../lib/queries";
import type { DemographicsInput } from "../../lib/types";

const AGE_BANDS = ["under_25", "25_34", "35_44", "45_54", "55_64", "65_plus", "prefer_not_to_say"];
const YES_NO = ["yes", "no", "prefer_not_to_say"];
const label = (value: string) => value.replace("_plus", "+").replace("under_", "under ").replace(/_/g, value.includes("prefer") ? " " : "–");
const choices = (values: string[]) => [{ value: "", label: "Not answered" }, ...values.map((value) => ({ value, label: label(value) }))];

export function DemographicsPage() {
  const current = useDemographics();
  const save = useSaveDemographics();
  const remove = useDeleteDemographics();
  const [form, setForm] = useState({ gender: "", ethnicity: "", age_band: "", disability: "", veteran: "" });
  useEffect(() => {
    const data = current.data;
    if (data) setForm({ gender: data.gender ?? "", ethnicity: data.ethnicity ?? "", age_band: data.age_band ?? "", disability: data.disability ?? "", veteran: data.veteran ?? "" });
  }, [current.data]);
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });

  function submit() {
    const body = Object.fromEntries(Object.entries(form).map(([key, value]) => [key, value.trim() || null])) as DemographicsInput;
    save.mutate(body);
  }

  return (
    <>
      <PageHeader title="Voluntary self-identification" description="Optional. Never shown to recruiters and never used to score you: only counted, anonymously and in groups of at least five, to check that hiring is fair." />
      {current.isLoading ? <Loading /> : (
        <Card>
          <form className="grid gap-4 md:grid-cols-2" onSubmit={(event) => { event.preventDefault(); submit(); }} data-testid="demographics-form">
            <TextField label="Sex / gender" value={form.gender} onChange={set("gender")} maxLength={50} hint="In your own words, or “prefer not to say”" data-testid="demographics-gender" />
            <TextField label="Race / ethnicity" value={form.ethnicity} onChange={set("ethnicity")} maxLength={80} data-testid="demographics-ethnicity" />
            <SelectField label="Age band" value={form.age_band} onChange={set("age_band")} options={choices(AGE_BANDS)} data-testid="demographics-age" />
            <SelectField label="Disability" value={form.disability} onChange={set("disability")} options={choices(YES_NO)} data-testid="demographics-disability" />
            <SelectField label="Veteran" value={form.veteran} onChange={set("veteran")} options={choices(YES_NO)} data-testid="demographics-veteran" />
            <div className="md:col-span-2"><ErrorMessage error={save.error ?? remove.error} /></div>
            {save.isSuccess && <div className="md:col-span-2"><Alert tone="success" data-testid="demographics-saved">Saved. You can change or remove this at any time.</Alert></div>}
            <div className="flex gap-2 md:col-span-2">
              <Button type="submit" busy={save.isPending} data-testid="demographics-save">Save</Button>
              <Button variant="secondary" busy={remove.isPending} data-testid="demographics-delete"
                onClick={() => remove.mutate(undefined, { onSuccess: () => setForm({ gender: "", ethnicity: "", age_band: "", disability: "", veteran: "" }) })}>Remove my answers</Button>
            </div>
          </form>
        </Card>
      )}
    </>
  );
}
